import type { JsonValue, RunEvent, RunSummary } from '@tta-dev/workflows';
import {
  foldRun,
  type RunStatus,
  type StageStatus,
  type StepOutcome,
} from '@tta-dev/workflows/journal';

export interface StepView {
  id: string;
  kind?: string;
  state: StepOutcome;
  /** What an `agent` step asks for, while it waits. */
  instructions?: string;
  expected?: JsonValue;
  /** Who completed it. */
  by?: string;
  error?: string;
}

export interface GateView {
  id: string;
  passed: boolean;
  reason: string;
}

export interface StageView {
  id: string;
  persona: string;
  state: StageStatus;
  steps: StepView[];
  gates: GateView[];
}

/** A run as the panel shows it. */
export interface RunView {
  runId: string;
  workflow: string;
  status: RunStatus;
  /** ISO times of the first and last events. */
  started: string;
  updated: string;
  /** The stage most recently started. */
  stage?: string;
  personas: string[];
  stages: StageView[];
  /** Decisions and learnings recorded. */
  notes: number;
  /** Whether the run's events are loaded (else only its summary is known). */
  detailed: boolean;
}

/** A run's view from its events: the fold's state, as the panel draws it. */
export function runView(events: readonly RunEvent[]): RunView {
  const first = events[0];
  if (first?.type !== 'run_started')
    throw new Error(`run ${first?.runId ?? '(no events)'} does not start with run_started`);
  const state = foldRun(events)!;
  return {
    runId: state.runId,
    workflow: state.workflow,
    status: state.status,
    started: state.started,
    updated: state.updated,
    ...(state.stage === undefined ? {} : { stage: state.stage }),
    personas: [...new Set(state.personas)],
    stages: state.stages.map((stage) => ({
      id: stage.id,
      persona: stage.persona,
      state: stage.status,
      steps: stage.steps.map((step) => ({
        id: step.id,
        ...(step.kind === undefined ? {} : { kind: step.kind }),
        state: step.outcome,
        ...(step.outcome === 'waiting'
          ? { instructions: step.instructions, expected: step.expected }
          : {}),
        ...(step.by === undefined ? {} : { by: step.by }),
        ...(step.error === undefined ? {} : { error: step.error.message }),
      })),
      gates: stage.gates.map(({ id, passed, reason }) => ({ id, passed, reason })),
    })),
    notes: state.notes.length,
    detailed: true,
  };
}

/** What the panel shows of a run whose events are not loaded yet. */
export function summaryView(summary: RunSummary): RunView {
  return {
    runId: summary.runId,
    workflow: summary.workflow,
    status: summary.status,
    started: summary.started,
    updated: summary.updated,
    ...(summary.stage === undefined ? {} : { stage: summary.stage }),
    personas: [],
    stages: [],
    notes: 0,
    detailed: false,
  };
}
