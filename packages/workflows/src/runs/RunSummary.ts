import { foldRun } from './foldRun.js';
import type { RunEvent } from './RunEvent.js';
import type { RunState, RunStatus } from './RunState.js';

/** One line of `RunStore.list()`: what `tta workflow status` shows of a run. */
export interface RunSummary {
  readonly runId: string;
  /** The workflow's name, from `run_started`. */
  readonly workflow: string;
  readonly status: RunStatus;
  /** Time of the first event (ISO 8601). */
  readonly started: string;
  /** Time of the last event (ISO 8601). */
  readonly updated: string;
  /** How many events the run has (the `seq` of the last one). */
  readonly events: number;
  /** The stage most recently started, if any. */
  readonly stage?: string;
}

/** The summary of a run from its events (pure), or `undefined` for a run with no events. */
export function summarizeRun(events: readonly RunEvent[]): RunSummary | undefined {
  const state = foldRun(events);
  return state === undefined ? undefined : summaryOf(state);
}

/** The summary of a folded run. */
export function summaryOf(state: RunState): RunSummary {
  return {
    runId: state.runId,
    workflow: state.workflow,
    status: state.status,
    started: state.started,
    updated: state.updated,
    events: state.events,
    ...(state.stage === undefined ? {} : { stage: state.stage }),
  };
}

/** Newest first, then by run id: the order of `list()`. */
export function compareRunSummaries(a: RunSummary, b: RunSummary): number {
  if (a.started !== b.started) return a.started < b.started ? 1 : -1;
  return a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;
}
