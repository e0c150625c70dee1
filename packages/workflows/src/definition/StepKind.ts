import type { z } from 'zod';
import type { StepRunContext } from '../engine/StepRunner.js';
import type { Step, StepCommon } from './WorkflowSchema.js';

/**
 * A kind of step: the key that names it in a file (`run`, `promql`, `deploy`…), its own fields
 * (a zod object; the options every step takes — id, when, retry… — are added to it), checks
 * across fields, and how it runs. The workflow schema, the JSON Schema for editors, the loader's
 * checks and the engine are all built from the kinds they are given (see `workflowSchemaFor`).
 */
export interface StepKind {
  /** The step's key, also its `kind` once parsed; one of `fields`' keys. */
  readonly kind: string;
  /** The kind's own fields, as written in a file. */
  readonly fields: z.ZodObject;
  /** Checks across the fields of a step of this kind (at load), e.g. what an action requires. */
  readonly check?: (step: Record<string, unknown>, ctx: z.RefinementCtx) => void;
  /**
   * Runs a step: given with its own fields' `${{ }}` templates rendered (a field that is one
   * whole expression holds the expression's value, of whatever type), resolves with the step's
   * output (recorded as JSON, read as `steps.<id>.output`) or rejects to fail the attempt. A kind
   * without `run` can be loaded but not run (an engine given no runner for it fails the step).
   */
  readonly run?: (step: Step, context: StepRunContext) => Promise<unknown>;
}

/** A parsed step of a kind whose fields are `F`. */
export type StepOf<K extends string, F extends z.ZodObject> = StepCommon &
  z.output<F> & { readonly kind: K };

/**
 * Declares a step kind, with `run` typed by its fields. `fields` must hold the key `kind`.
 *
 * ```ts
 * const deploy = defineStepKind({
 *   kind: 'deploy',
 *   fields: z.object({ deploy: z.string().min(1), replicas: z.number().int().default(1) }),
 *   run: async (step, ctx) => ({ app: step.deploy, replicas: step.replicas }),
 * });
 * ```
 */
export function defineStepKind<K extends string, F extends z.ZodObject>(kind: {
  readonly kind: K;
  readonly fields: F;
  readonly check?: (step: z.output<F>, ctx: z.RefinementCtx) => void;
  readonly run?: (step: StepOf<K, F>, context: StepRunContext) => Promise<unknown>;
}): StepKind {
  if (!(kind.kind in kind.fields.shape))
    throw new Error(`step kind "${kind.kind}": its fields must include the key "${kind.kind}"`);
  return kind as unknown as StepKind;
}

/** `kinds` after `base`, a later kind of the same name replacing an earlier one. */
export function mergeStepKinds(
  base: readonly StepKind[],
  kinds: readonly StepKind[] = [],
): StepKind[] {
  const byName = new Map<string, StepKind>();
  for (const kind of [...base, ...kinds]) byName.set(kind.kind, kind);
  return [...byName.values()];
}
