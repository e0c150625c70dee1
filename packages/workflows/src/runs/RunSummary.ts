import type { RunEvent } from './RunEvent.js';
import { type RunStatus, runStatus } from './runStatus.js';

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

/**
 * The summary of a run from its events (pure), or `undefined` for a run with no events. The first
 * event is `run_started`, as the stores guarantee.
 */
export function summarizeRun(events: readonly RunEvent[]): RunSummary | undefined {
  const first = events[0];
  const last = events.at(-1);
  if (first === undefined || last === undefined) return undefined;
  let stage: string | undefined;
  for (const event of events) if (event.type === 'stage_started') stage = event.stage;
  return {
    runId: first.runId,
    workflow: first.type === 'run_started' ? first.workflow : '',
    status: runStatus(events),
    started: first.time,
    updated: last.time,
    events: last.seq,
    ...(stage === undefined ? {} : { stage }),
  };
}

/** Newest first, then by run id: the order of `list()`. */
export function compareRunSummaries(a: RunSummary, b: RunSummary): number {
  if (a.started !== b.started) return a.started < b.started ? 1 : -1;
  return a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;
}
