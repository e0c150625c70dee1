import { resolve } from 'node:path';
import { createContext } from '@tta-dev/core';
import { hasCode, TtaError } from '@tta-dev/core/errors';
import { CodeFields, type StepRunner } from '@tta-dev/workflows';
import { stepFields } from '../steps/stepFields.js';
import { codeExecution } from './CodeExecution.js';
import {
  type CodeResult,
  type CodeSandbox,
  codeResultProblem,
  DEFAULT_TIME_LIMIT_MS,
} from './CodeSandbox.js';
import { runReadmeExamples } from './readmeExamples.js';

/** A code step that failed: its message says how, `result` holds the whole result. */
export class CodeStepFailedError extends TtaError {
  override readonly name = 'CodeStepFailedError';
  readonly code = 'TTA_CODE_STEP_FAILED' as const;

  constructor(
    message: string,
    readonly result: CodeResult,
  ) {
    super(message);
  }
}

export const isCodeStepFailedError = (error: unknown): error is CodeStepFailedError =>
  hasCode(error, 'TTA_CODE_STEP_FAILED');

/**
 * Runs `code` steps in `sandbox` through the `CodeExecution` primitive. The step's output is the
 * `CodeResult`. A non-zero exit (other than `expectExitCode`), a time-out, running out of memory
 * or code that never ran fails the step, with the result's summary as the message — as a `run`
 * step fails — unless `allowFailure` is set, when the result is the output whatever it says.
 * The sandbox's time limit is `timeLimitMs` (default 30 s), held within the step's `timeoutMs`
 * so that the code never outlives its step.
 */
export function codeStepRunner(
  sandbox: CodeSandbox,
  options: {
    /** The sandbox Markdown examples run in, with its folders inside the project at `cwd`. */
    examplesSandbox?: (cwd: string) => Promise<CodeSandbox>;
  } = {},
): StepRunner {
  const execution = codeExecution(sandbox);
  return async (step, context) => {
    const fields = stepFields(step, 'code', CodeFields);
    const timeLimitMs = Math.min(
      fields.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
      fields.timeoutMs ?? Number.POSITIVE_INFINITY,
    );
    if (fields.language === 'markdown') {
      const report = await runReadmeExamples(resolve(context.cwd, fields.code), {
        sandbox: (await options.examplesSandbox?.(context.cwd)) ?? sandbox,
        timeLimitMs,
        env: fields.env,
        ...(fields.memoryMb === undefined ? {} : { memoryMb: fields.memoryMb }),
        ...(context.signal ? { signal: context.signal } : {}),
      });
      if (!report.ok && !fields.allowFailure)
        throw new Error(
          `code step "${step.id}": ${report.failed} of ${report.examples.length} examples failed:\n${report.examples
            .flatMap((e) => (e.problem === undefined ? [] : [e.problem]))
            .join('\n')}`,
        );
      return report;
    }
    const result = await execution.run(
      {
        language: fields.language,
        code: fields.code,
        env: fields.env,
        files: fields.files,
        timeLimitMs,
        ...(fields.memoryMb === undefined ? {} : { memoryMb: fields.memoryMb }),
      },
      createContext({
        workflowId: context.runId,
        runId: context.runId,
        persona: context.persona,
        ...(context.signal ? { signal: context.signal } : {}),
      }),
    );
    const problem = fields.allowFailure
      ? undefined
      : codeResultProblem(result, fields.expectExitCode);
    if (problem !== undefined)
      throw new CodeStepFailedError(`code step "${step.id}": ${problem}`, result);
    return result;
  };
}
