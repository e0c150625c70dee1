import { toJson } from '../runs/_json.js';
import { RunFinishedError } from '../runs/errors/RunFinishedError.js';
import { StepNotWaitingError } from '../runs/errors/StepNotWaitingError.js';
import type { RunEvent } from '../runs/RunEvent.js';
import type { RunStore } from '../runs/RunStore.js';
import { type RunCommandOptions, withRun } from './withRun.js';

/**
 * How a step is settled:
 * - `{ output }`: it is done, with this result (an agent step's answer, or the effect an
 *   interrupted step had);
 * - `{ rerun: true }`: an interrupted step had no effect: the next resume runs it again;
 * - `{ failed: message }`: it failed: the run stops there (a resume tries it again).
 */
export type Settlement =
  | { readonly output: unknown; readonly note?: string; readonly tokens?: number }
  | { readonly rerun: true; readonly note?: string }
  | { readonly failed: string };

/**
 * Settles a step the run waits for (an `agent` step) or one a crash interrupted, under the run's
 * lease, so that of several settlements at once exactly one is recorded and the others get
 * `StepNotWaitingError`. `by` is who settled it. Returns the events appended.
 */
export async function completeStep(
  store: RunStore,
  runId: string,
  stepId: string,
  settlement: Settlement,
  by: string,
  options: RunCommandOptions = {},
): Promise<RunEvent[]> {
  return withRun(
    store,
    runId,
    async ({ state, append }) => {
      if (state.status === 'completed' || state.status === 'cancelled')
        throw new RunFinishedError(runId, state.status);
      const step = state.steps[stepId];
      // Holding the lease, a step still `running` was left so by a drive that died.
      const settleable =
        step?.outcome === 'waiting' ||
        step?.outcome === 'interrupted' ||
        step?.outcome === 'running';
      if (step === undefined || !settleable)
        throw new StepNotWaitingError(runId, stepId, [...state.waiting, ...interrupted(state)]);
      const note = 'note' in settlement ? settlement.note : undefined;
      if ('output' in settlement) {
        const wasWaiting = step.outcome === 'waiting';
        const completed = await append({
          type: 'step_completed',
          stage: step.stage,
          step: stepId,
          output: toJson(settlement.output),
          by,
          ...(note === undefined ? {} : { note }),
          ...(settlement.tokens === undefined ? {} : { tokens: settlement.tokens }),
        });
        // The last answer a run waited for makes it work for the workers (`tta worker`), from
        // any machine; `tta workflow resume` takes a queued run as well. The next drive hands
        // it on if the stage needs labels it lacks.
        if (!wasWaiting || state.status !== 'running') return [completed];
        return [
          completed,
          await append({ type: 'run_queued', needs: [], by, reason: `${stepId} completed` }),
        ];
      }
      const error =
        'rerun' in settlement
          ? {
              name: 'InterruptedStepError',
              message: `settled by ${by} to be run again${note === undefined ? '' : `: ${note}`}`,
            }
          : { name: 'StepFailedError', message: settlement.failed };
      const failed = await append({
        type: 'step_failed',
        stage: step.stage,
        step: stepId,
        error,
        attempt: Math.max(1, step.attempts),
      });
      if ('rerun' in settlement) return [failed];
      return [failed, await append({ type: 'run_failed', stage: step.stage, step: stepId, error })];
    },
    options,
  );
}

function interrupted(state: { steps: Record<string, { id: string; outcome: string }> }): string[] {
  return Object.values(state.steps)
    .filter((s) => s.outcome === 'interrupted' || s.outcome === 'running')
    .map((s) => s.id);
}
