import {
  foldRun,
  type RunEvent,
  type RunStatus,
  runMetrics,
  type Segment,
  type StageStatus,
  type StepOutcome,
  stageWorkMs,
} from '@tta-dev/workflows';

export type { Segment, StepOutcome };

export interface StepReport {
  readonly id: string;
  readonly kind?: string;
  /** Epoch milliseconds. */
  readonly start: number;
  readonly end: number;
  readonly outcome: StepOutcome;
  readonly attempts: number;
  /** Done by the engine itself (not by an assistant or a person). */
  readonly automated: boolean;
  readonly tokens?: number;
}

export interface GateReport {
  readonly id: string;
  readonly passed: boolean;
  readonly reason: string;
  readonly time: number;
}

export interface StageReport {
  readonly id: string;
  readonly persona: string;
  readonly status: StageStatus;
  readonly segments: readonly Segment[];
  /** Time the stage was at work: its segments, without the waits between them. */
  readonly durationMs: number;
  readonly steps: readonly StepReport[];
  readonly gates: readonly GateReport[];
  /** Steps done by the engine itself over steps done; `undefined` with no step done. */
  readonly automation?: number;
  /** Tokens the run's events recorded for the stage, when any were. */
  readonly tokens?: number;
  /** The persona's token budget, when known. */
  readonly tokenBudget?: number;
}

export interface RunReport {
  readonly runId: string;
  readonly workflow: string;
  readonly status: RunStatus;
  readonly start: number;
  readonly end: number;
  /** From the first event to the last, waits included. */
  readonly elapsedMs: number;
  /** Time stages were at work. */
  readonly workMs: number;
  /** Time agent steps waited for an assistant or a person. */
  readonly waitMs: number;
  /** Personas in the order the stages used them. */
  readonly personas: readonly string[];
  readonly personaSwitches: number;
  readonly stages: readonly StageReport[];
  readonly steps: number;
  readonly automatedSteps: number;
  readonly skippedSteps: number;
  readonly automation?: number;
  readonly gatesPassed: number;
  readonly gatesFailed: number;
  readonly tokens?: number;
  /** The OpenTelemetry trace of the run, when it was recorded. */
  readonly traceId?: string;
}

const ratio = (part: number, whole: number) =>
  whole === 0 ? undefined : Math.round((part / whole) * 1000) / 1000;

/**
 * The report of a run from its events: the fold's figures, per run and per stage, with the
 * timeline of stages, steps and gates. `budgets` gives the personas' token budgets, by name.
 * `undefined` for a run with no events.
 */
export function runReport(
  events: readonly RunEvent[],
  budgets: Readonly<Record<string, number>> = {},
): RunReport | undefined {
  const state = foldRun(events);
  if (state === undefined) return undefined;
  const metrics = runMetrics(state);
  const stages: StageReport[] = state.stages.map((stage) => {
    const done = stage.steps.filter((s) => s.outcome === 'succeeded' || s.outcome === 'completed');
    const automation = ratio(done.filter((s) => s.automated).length, done.length);
    const budget = budgets[stage.persona];
    return {
      id: stage.id,
      persona: stage.persona,
      status: stage.status,
      segments: stage.segments,
      durationMs: stageWorkMs(stage),
      steps: stage.steps.map((step) => ({
        id: step.id,
        ...(step.kind === undefined ? {} : { kind: step.kind }),
        start: step.start,
        end: step.end,
        outcome: step.outcome,
        attempts: step.attempts,
        automated: step.automated,
        ...(step.tokens === undefined ? {} : { tokens: step.tokens }),
      })),
      gates: stage.gates.map(({ id, passed, reason, time }) => ({ id, passed, reason, time })),
      ...(automation === undefined ? {} : { automation }),
      ...(stage.tokens === undefined ? {} : { tokens: stage.tokens }),
      ...(budget === undefined ? {} : { tokenBudget: budget }),
    };
  });
  const start = Date.parse(state.started);
  const end = Date.parse(state.updated);
  return {
    runId: state.runId,
    workflow: state.workflow,
    status: state.status,
    start,
    end,
    elapsedMs: metrics.elapsedMs,
    workMs: metrics.workMs,
    waitMs: metrics.waitMs,
    personas: [...new Set(stages.map((s) => s.persona))],
    personaSwitches: metrics.personaSwitches,
    stages,
    steps: metrics.steps,
    automatedSteps: metrics.automatedSteps,
    skippedSteps: metrics.skippedSteps,
    ...(metrics.steps === 0 ? {} : { automation: metrics.automation }),
    gatesPassed: metrics.gatesPassed,
    gatesFailed: metrics.gatesFailed,
    ...(stages.some((s) => s.tokens !== undefined) ? { tokens: metrics.tokens } : {}),
    ...(state.trace === undefined ? {} : { traceId: state.trace.traceId }),
  };
}
