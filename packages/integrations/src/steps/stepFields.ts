import { hasCode, TtaError } from '@tta-dev/core/errors';
import type { Step, StepCommon } from '@tta-dev/workflows';
import { z } from 'zod';

/** A step whose fields, once its `${{ }}` were rendered, are not what its runner needs. */
export class InvalidStepError extends TtaError {
  override readonly name = 'InvalidStepError';
  readonly code = 'TTA_INVALID_STEP' as const;
}

export const isInvalidStepError = (error: unknown): error is InvalidStepError =>
  hasCode(error, 'TTA_INVALID_STEP');

/**
 * The fields of a rendered step, checked with its kind's declared `fields` (the schema the file
 * was loaded with): a field whose expression gave the wrong type (or a step of another kind) is
 * an `InvalidStepError` naming the step and the field. The step's options are kept as they are.
 */
export function stepFields<F extends z.ZodObject>(
  step: Step,
  kind: string,
  fields: F,
): StepCommon & z.output<F> {
  if (step.kind !== kind)
    throw new InvalidStepError(
      `the ${kind} runner was given step "${step.id}" of kind ${step.kind}`,
    );
  const parsed = z.object(fields.shape).safeParse(step);
  if (parsed.success) return { ...step, ...parsed.data } as unknown as StepCommon & z.output<F>;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(step)'}: ${issue.message}`,
  );
  throw new InvalidStepError(`${kind} step "${step.id}": ${problems.join('; ')}`);
}

/** A boolean field that may have been written as text ("true", "false") or rendered from one. */
export const toFlag = (value: unknown): boolean =>
  value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');

/** The base URL of a service: the step's field when given and not empty, else the variable. */
export function serviceUrl(
  step: { readonly id: string; readonly url?: string | undefined },
  kind: string,
  service: string,
  variable: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const url = step.url?.trim() || env[variable]?.trim();
  if (!url)
    throw Object.assign(
      new Error(`${kind} step "${step.id}" has no ${service} URL: give it url: or set ${variable}`),
      { name: 'NotConfiguredError' },
    );
  return url;
}
