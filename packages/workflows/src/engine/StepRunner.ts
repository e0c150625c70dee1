import type { Stage, Step } from '../definition/WorkflowSchema.js';
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
  /**
   * Keeps a process the step started (its group) in the run's lease while it runs, so that a
   * process taking the run over after this one died kills it rather than running beside it.
   * Hold the process until the promise settles (`runCommand`'s `onSpawn` does).
   */
  readonly trackProcess?: (pid: number) => Promise<void>;
  /**
   * Writes to the run's journal: a decision, a learning, or a page under the run page (the only
   * events a step may add to the log; the engine records the stage, the step and the author).
   */
  readonly note?: (entry: JournalEntry) => Promise<void>;
}

/** What a step may write to the run's journal through `StepRunContext.note`. */
export type JournalEntry =
  | { readonly type: 'decision' | 'learning'; readonly text: string }
  | { readonly type: 'journal_page'; readonly title: string; readonly content: string };

/**
 * Runs one kind of step outside the engine's own kinds (`tool`, `code`, `promql`…): given the
 * step with its `${{ }}` templates already rendered, resolves with the step's output (recorded as
 * JSON, readable as `steps.<id>.output`) or rejects to fail the attempt (retry may run it again).
 */
export type StepRunner = (step: Step, context: StepRunContext) => Promise<unknown>;

/**
 * Runners by step kind name: the older way to give the engine runs, kept for compatibility
 * (`EngineOptions.kinds` is the contract: a `StepKind` with its `run`).
 */
export type StepRunners = Partial<Record<string, StepRunner>>;
