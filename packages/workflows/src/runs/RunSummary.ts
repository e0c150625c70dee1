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
  /** Why the run's log cannot be read (status `unreadable`). */
  readonly error?: string;
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

/** Whether `list()` gives the run, by `options.statuses` (every run without). */
export function listedWith(options: {
  statuses?: readonly RunStatus[];
}): (summary: RunSummary) => boolean {
  const statuses = options.statuses === undefined ? undefined : new Set(options.statuses);
  return statuses === undefined ? () => true : (summary) => statuses.has(summary.status);
}

/** Newest first, then by run id: the order of `list()`. */
export function compareRunSummaries(a: RunSummary, b: RunSummary): number {
  if (a.started !== b.started) return a.started < b.started ? 1 : -1;
  return a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;
}

/**
 * What `list()` says of a run: its summary with the store's own knowledge added (`interrupted`
 * for a running run nobody drives), or an `unreadable` line when its log is broken, so that one
 * broken run never hides the others.
 */
export function listedRun(
  runId: string,
  read: () => Promise<readonly RunEvent[]>,
  driven: () => Promise<boolean>,
): Promise<RunSummary | undefined> {
  return listedSummary(runId, async () => summarizeRun(await read()), driven);
}

/** `listedRun` for a store that keeps each run's summary (`summarize`) instead of folding it. */
export async function listedSummary(
  runId: string,
  summarize: () => Promise<RunSummary | undefined>,
  driven: () => Promise<boolean>,
): Promise<RunSummary | undefined> {
  let summary: RunSummary | undefined;
  try {
    summary = await summarize();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      runId,
      workflow: '',
      status: 'unreadable',
      started: '',
      updated: '',
      events: 0,
      error: message,
    };
  }
  if (summary?.status === 'running' && !(await driven()))
    return { ...summary, status: 'interrupted' };
  return summary;
}
