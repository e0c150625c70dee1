import type { ErrorInfo, JsonValue, TraceRef } from './RunEvent.js';

/**
 * Where a run stands. Two are never folded from the events alone, a store's `list()` reports
 * them: `interrupted`, a run the fold calls `running` with no live lease holder (a crash, or a
 * step settled and not yet resumed); `unreadable`, a run whose log cannot be read.
 */
export type RunStatus =
  | 'queued'
  | 'running'
  | 'suspended'
  | 'gate_failed'
  | 'failed'
  | 'completed'
  | 'cancelled'
  | 'interrupted'
  | 'unreadable';

export const RUN_STATUSES: readonly RunStatus[] = [
  'queued',
  'running',
  'suspended',
  'gate_failed',
  'failed',
  'completed',
  'cancelled',
  'interrupted',
  'unreadable',
];

/**
 * How a step stands, the one vocabulary of every view:
 * - `running`: started in the drive that is going on, not ended (a retry is `running` again);
 * - `interrupted`: started by a drive that ended without ending the step (a crash);
 * - `succeeded`: done by the engine; `skipped`: its `when` was false;
 * - `waiting`: an `agent` step waits for an assistant or a person; `completed`: they did it;
 * - `failed`: its last attempt failed.
 */
export type StepOutcome =
  | 'running'
  | 'interrupted'
  | 'succeeded'
  | 'skipped'
  | 'waiting'
  | 'completed'
  | 'failed';

export const STEP_OUTCOMES: readonly StepOutcome[] = [
  'running',
  'interrupted',
  'succeeded',
  'skipped',
  'waiting',
  'completed',
  'failed',
];

/** A step is done (its output is known, the run goes past it) when it is one of these. */
export const DONE_OUTCOMES: ReadonlySet<StepOutcome> = new Set([
  'succeeded',
  'skipped',
  'completed',
]);

/** How a stage stands: the run's words, for the stage alone. */
export type StageStatus = Exclude<RunStatus, 'queued' | 'interrupted' | 'unreadable'>;

/** One stretch of a stage's work, in epoch ms: a stage suspended and resumed has two. */
export interface Segment {
  start: number;
  end: number;
}

export interface StepState {
  readonly id: string;
  readonly stage: string;
  kind?: string;
  outcome: StepOutcome;
  /** Attempts started (0 for a skipped step or an agent step). */
  attempts: number;
  /** Epoch ms: the first attempt's start (or the suspension), and the last change. */
  start: number;
  end: number;
  /** Time at work: the engine's measure for a step it did, else `end - start`. */
  durationMs: number;
  /** Done by the engine itself, not by an assistant or a person. */
  automated: boolean;
  tokens?: number;
  error?: ErrorInfo;
  /** What an agent step asks for, and the form of the answer. */
  instructions?: string;
  expected?: JsonValue;
  /** The memory key an agent step's answer goes to. */
  saveAs?: string;
  output?: JsonValue;
  /** Who completed it, and their note. */
  by?: string;
  note?: string;
  /** How long an agent step waited for its answer (so far, while it waits). */
  waitMs?: number;
}

export interface GateState {
  readonly id: string;
  readonly stage: string;
  passed: boolean;
  reason: string;
  metrics: Record<string, number>;
  /** Epoch ms of the latest result. */
  time: number;
}

export interface StageState {
  readonly id: string;
  persona: string;
  status: StageStatus;
  /** ISO time the stage was first entered. */
  readonly started: string;
  segments: Segment[];
  /** Steps in the order they first appeared. */
  steps: StepState[];
  /** The latest result of each gate, in the order first evaluated. */
  gates: GateState[];
  tokens?: number;
  /** The message of the failure that stopped the run in this stage, until it is entered again. */
  failure?: string;
}

export interface NoteState {
  readonly type: 'decision' | 'learning';
  readonly seq: number;
  readonly time: string;
  readonly stage?: string;
  readonly text: string;
  readonly by: string;
}

export interface PageState {
  readonly stage: string;
  readonly step: string;
  readonly title: string;
  readonly content: string;
}

/** What a run's events say, folded by `foldRun`: every view of a run reads this. */
export interface RunState {
  readonly runId: string;
  readonly workflow: string;
  readonly inputs: Record<string, JsonValue>;
  /** Every persona the workflow uses, in stage order. */
  readonly personas: readonly string[];
  readonly trace?: TraceRef;
  status: RunStatus;
  /** ISO times of the first and the last event. */
  readonly started: string;
  updated: string;
  /** How many events were folded (the `seq` of the last). */
  events: number;
  /** Drives of the run: its start and each resume. */
  drives: number;
  /** The stage most recently entered. */
  stage?: string;
  stages: StageState[];
  /** Ids of the agent steps waiting now, in the order they were suspended. */
  waiting: string[];
  /** Every step, by id (the same objects as in `stages`). */
  steps: Record<string, StepState>;
  /** Outputs of the steps that are done, by step id: the `steps` scope of expressions. */
  outputs: Record<string, JsonValue>;
  /** The run memory: `saveAs` outputs and `memory` steps, in order. */
  memory: Record<string, JsonValue>;
  notes: NoteState[];
  /** Pages of `journal` steps, the latest of each step, in the order last written. */
  pages: PageState[];
  /** The persona the events last switched to, and the one active before the run. */
  persona?: string | null;
  personaBefore?: string | null;
  personaSwitches: number;
  /** Tokens read by a model, over the whole run. */
  tokens: number;
  /** While `queued`: the labels a worker must offer to drive it (`[]`: any worker). */
  needs?: string[];
  /** What stopped the run, while it is stopped (`failed`). */
  failure?: { stage?: string; step?: string; error: ErrorInfo };
  cancelled?: { reason: string };
  completed?: { durationMs: number; metrics: Record<string, JsonValue> };
}
