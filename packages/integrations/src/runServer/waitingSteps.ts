import type { RunEvent } from '@tta-dev/workflows';

/**
 * The `agent` steps a run waits for, each with its stage: suspended and not yet completed or
 * succeeded (as the engine's replay sees them).
 */
export function waitingSteps(events: readonly RunEvent[]): Map<string, string> {
  const waiting = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'step_suspended') waiting.set(event.step, event.stage);
    else if (event.type === 'step_completed' || event.type === 'step_succeeded')
      waiting.delete(event.step);
  }
  return waiting;
}
