import type { RunState, StageState } from './RunState.js';

/** What a run measured: what `run_completed` records and every view shows. */
export interface RunMetrics {
  /** Steps done: by the engine (`succeeded`) or by an assistant or a person (`completed`). */
  steps: number;
  automatedSteps: number;
  /** `automatedSteps / steps`, to 3 decimals (0 with no step done). */
  automation: number;
  /** Steps whose `when` was false: neither done nor failed. */
  skippedSteps: number;
  failedSteps: number;
  /** The latest result of each gate. */
  gatesPassed: number;
  gatesFailed: number;
  stagesCompleted: number;
  personaSwitches: number;
  tokens: number;
  tokensByPersona: Record<string, number>;
  /** Time the stages were at work, waits for people excluded. */
  workMs: number;
  /** Time agent steps waited for an assistant or a person. */
  waitMs: number;
  /** From the first event to the last. */
  elapsedMs: number;
  stageDurationMs: Record<string, number>;
  personaTimeMs: Record<string, number>;
}

/** Time a stage was at work: its segments, without the waits between them. */
export function stageWorkMs(stage: StageState): number {
  return stage.segments.reduce((sum, s) => sum + (s.end - s.start), 0);
}

/** The metrics of a run from its folded state (pure). */
export function runMetrics(state: RunState): RunMetrics {
  const steps = Object.values(state.steps);
  const count = (outcome: string) => steps.filter((s) => s.outcome === outcome).length;
  const done = steps.filter((s) => s.outcome === 'succeeded' || s.outcome === 'completed');
  const automated = done.filter((s) => s.automated).length;
  const gates = state.stages.flatMap((s) => s.gates);
  const stageDurationMs: Record<string, number> = {};
  const personaTimeMs: Record<string, number> = {};
  const tokensByPersona: Record<string, number> = {};
  for (const stage of state.stages) {
    const ms = stageWorkMs(stage);
    stageDurationMs[stage.id] = ms;
    personaTimeMs[stage.persona] = (personaTimeMs[stage.persona] ?? 0) + ms;
    if (stage.tokens !== undefined)
      tokensByPersona[stage.persona] = (tokensByPersona[stage.persona] ?? 0) + stage.tokens;
  }
  return {
    steps: done.length,
    automatedSteps: automated,
    automation: done.length === 0 ? 0 : Math.round((automated / done.length) * 1000) / 1000,
    skippedSteps: count('skipped'),
    failedSteps: count('failed'),
    gatesPassed: gates.filter((g) => g.passed).length,
    gatesFailed: gates.filter((g) => !g.passed).length,
    stagesCompleted: state.stages.filter((s) => s.status === 'completed').length,
    personaSwitches: state.personaSwitches,
    tokens: state.tokens,
    tokensByPersona,
    workMs: Object.values(stageDurationMs).reduce((a, b) => a + b, 0),
    waitMs: steps.reduce((sum, s) => sum + (s.waitMs ?? 0), 0),
    elapsedMs: Date.parse(state.updated) - Date.parse(state.started),
    stageDurationMs,
    personaTimeMs,
  };
}
