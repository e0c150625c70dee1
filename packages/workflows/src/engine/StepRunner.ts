import type { Stage, Step, StepKind } from '../definition/WorkflowSchema.js';
import type { ExpressionScope } from '../expressions/evaluate.js';

/** What a step runner is given besides the step: where, as whom, and how to stop. */
export interface StepRunContext {
  readonly runId: string;
  readonly stage: Stage;
  /** The stage's persona (its canonical name): runners that reach tools apply its policy. */
  readonly persona: string;
  /** Folder of the project the run works in. */
  readonly cwd: string;
  /** Environment of the run (commands, sandboxes, URLs such as PROMETHEUS_URL). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  /** The expression scope the step was rendered with (inputs, memory, earlier outputs). */
  readonly scope: ExpressionScope;
  /** Counts tokens the step spent (a tool result an assistant's model would read), for metrics. */
  readonly reportTokens?: (tokens: number) => void;
}

/**
 * Runs one kind of step outside the engine's own kinds (`tool`, `code`, `promql`…): given the
 * step with its `${{ }}` templates already rendered, resolves with the step's output (recorded as
 * JSON, readable as `steps.<id>.output`) or rejects to fail the attempt (retry may run it again).
 */
export type StepRunner = (step: Step, context: StepRunContext) => Promise<unknown>;

/** Runners by step kind, given to the engine by the application (the CLI wires integrations'). */
export type StepRunners = Partial<Record<StepKind, StepRunner>>;
