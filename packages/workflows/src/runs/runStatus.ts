import type { RunEvent } from './RunEvent.js';

/** Where a run stands, as its events tell. */
export type RunStatus =
  | 'running'
  | 'suspended'
  | 'gate_failed'
  | 'failed'
  | 'completed'
  | 'cancelled';

export const RUN_STATUSES: readonly RunStatus[] = [
  'running',
  'suspended',
  'gate_failed',
  'failed',
  'completed',
  'cancelled',
];

/**
 * The status of a run from its events, in order (pure; the stores' `list()` uses it).
 *
 * - `completed` and `cancelled` are final: no later event changes them.
 * - `failed` (a `run_failed`) and `gate_failed` (a `gate_failed`, with or without the
 *   `run_failed` that follows it) last until the run is resumed: any later event of progress
 *   (a stage or step starting, a step completed from outside, a gate passing) makes it run again.
 * - `suspended` while an `agent` step waits (a `step_suspended` not yet followed by that step's
 *   `step_completed`, or by the step starting again on resume).
 * - `running` otherwise, including a run with no events yet.
 *
 * `persona_switched`, `decision` and `learning` never change the status: the engine switches the
 * persona back after a failure, and a learning may be added to a finished run.
 */
export function runStatus(events: readonly RunEvent[]): RunStatus {
  let stopped: 'gate_failed' | 'failed' | undefined;
  const waiting = new Set<string>();
  for (const event of events) {
    switch (event.type) {
      case 'run_completed':
        return 'completed';
      case 'run_cancelled':
        return 'cancelled';
      case 'run_failed':
        if (stopped !== 'gate_failed') stopped = 'failed';
        break;
      case 'gate_failed':
        stopped = 'gate_failed';
        break;
      case 'persona_switched':
      case 'decision':
      case 'learning':
        break;
      case 'step_suspended':
        waiting.add(stepKey(event.stage, event.step));
        stopped = undefined;
        break;
      case 'step_started':
      case 'step_succeeded':
      case 'step_failed':
      case 'step_completed':
        waiting.delete(stepKey(event.stage, event.step));
        stopped = undefined;
        break;
      default:
        stopped = undefined;
    }
  }
  return stopped ?? (waiting.size > 0 ? 'suspended' : 'running');
}

function stepKey(stage: string, step: string): string {
  return JSON.stringify([stage, step]);
}
