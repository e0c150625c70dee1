import { RunFinishedError } from '../runs/errors/RunFinishedError.js';
import type { RunEvent } from '../runs/RunEvent.js';
import type { RunStore } from '../runs/RunStore.js';
import { type RunCommandOptions, withRun } from './withRun.js';

/**
 * Ends a run that is not being driven (waiting, stopped, interrupted), under its lease, so that
 * it is never resumed. `RunFinishedError` when it has ended already, `RunBusyError` while a
 * process drives it (stop that process first: its lease ends with it).
 */
export async function cancelRun(
  store: RunStore,
  runId: string,
  reason: string,
  options: RunCommandOptions = {},
): Promise<RunEvent> {
  return withRun(
    store,
    runId,
    async ({ state, append }) => {
      if (state.status === 'completed' || state.status === 'cancelled')
        throw new RunFinishedError(runId, state.status);
      return append({ type: 'run_cancelled', reason });
    },
    options,
  );
}
