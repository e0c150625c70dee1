import { foldRun } from './foldRun.js';
import type { RunEvent } from './RunEvent.js';
import type { RunStatus } from './RunState.js';

export { RUN_STATUSES, type RunStatus } from './RunState.js';

/** The status of a run from its events (`running` for none): the fold's, see `applyEvent`. */
export function runStatus(events: readonly RunEvent[]): RunStatus {
  return foldRun(events)?.status ?? 'running';
}
