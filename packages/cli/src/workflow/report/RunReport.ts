import { type RunEvent, type RunStatus, runStatus } from '@tta-dev/workflows';

/** How a step ended, as the report shows it. */
export type StepOutcome = 'succeeded' | 'skipped' | 'failed' | 'waiting' | 'completed' | 'running';

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

/** One stretch of a stage's work: a stage suspended for an agent step and resumed has two. */
export interface Segment {
  readonly start: number;
  readonly end: number;
}

export interface StageReport {
  readonly id: string;
  readonly persona: string;
  readonly status: 'completed' | 'gate_failed' | 'failed' | 'waiting' | 'running';
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
  /** Personas in the order the stages used them. */
  readonly personas: readonly string[];
  readonly personaSwitches: number;
  readonly stages: readonly StageReport[];
  readonly steps: number;
  readonly automatedSteps: number;
  readonly automation?: number;
  readonly gatesPassed: number;
  readonly gatesFailed: number;
  readonly tokens?: number;
  /** The OpenTelemetry trace of the run, when it was recorded. */
  readonly traceId?: string;
}

interface StageDraft {
  id: string;
  persona: string;
  status: StageReport['status'];
  segments: { start: number; end: number }[];
  steps: Map<string, StepDraft>;
  gates: GateReport[];
  tokens: number;
  sawTokens: boolean;
}

interface StepDraft {
  id: string;
  kind?: string;
  start: number;
  end: number;
  outcome: StepOutcome;
  attempts: number;
  automated: boolean;
  tokens?: number;
}

const ratio = (part: number, whole: number) =>
  whole === 0 ? undefined : Math.round((part / whole) * 1000) / 1000;

/**
 * The report of a run from its events (pure): per run and per stage the time, persona, steps,
 * automation, gates and tokens, and the timeline of stages, steps and gates. `budgets` gives the
 * personas' token budgets, by name. `undefined` for a run with no events.
 */
export function runReport(
  events: readonly RunEvent[],
  budgets: Readonly<Record<string, number>> = {},
): RunReport | undefined {
  const first = events[0];
  const last = events.at(-1);
  if (first === undefined || last === undefined) return undefined;
  const stages = new Map<string, StageDraft>();
  let current: StageDraft | undefined;
  let personaSwitches = 0;
  const stageOf = (id: string | undefined) =>
    id === undefined ? current : (stages.get(id) ?? current);
  const extend = (stage: StageDraft | undefined, time: number) => {
    const segment = stage?.segments.at(-1);
    if (segment !== undefined && time > segment.end) segment.end = time;
  };
  const addTokens = (stage: StageDraft | undefined, tokens: number | undefined) => {
    if (stage === undefined || tokens === undefined) return;
    stage.tokens += tokens;
    stage.sawTokens = true;
  };

  for (const event of events) {
    const time = Date.parse(event.time);
    switch (event.type) {
      case 'persona_switched':
        personaSwitches++;
        break;
      case 'stage_started': {
        const stage: StageDraft = stages.get(event.stage) ?? {
          id: event.stage,
          persona: event.persona,
          status: 'running',
          segments: [],
          steps: new Map(),
          gates: [],
          tokens: 0,
          sawTokens: false,
        };
        stage.status = 'running';
        stage.segments.push({ start: time, end: time });
        stages.set(event.stage, stage);
        current = stage;
        addTokens(stage, event.tokens);
        break;
      }
      case 'step_started': {
        const stage = stageOf(event.stage);
        const step = stage?.steps.get(event.step);
        if (stage !== undefined && step === undefined)
          stage.steps.set(event.step, {
            id: event.step,
            kind: event.kind,
            start: time,
            end: time,
            outcome: 'running',
            attempts: event.attempt,
            automated: true,
          });
        else if (step !== undefined) {
          step.attempts = Math.max(step.attempts, event.attempt);
          step.outcome = 'running';
        }
        extend(stage, time);
        break;
      }
      case 'step_failed': {
        const stage = stageOf(event.stage);
        const step = stage?.steps.get(event.step);
        if (step !== undefined) {
          step.end = time;
          step.outcome = 'failed';
        }
        extend(stage, time);
        break;
      }
      case 'step_succeeded': {
        const stage = stageOf(event.stage);
        const skipped =
          typeof event.output === 'object' &&
          event.output !== null &&
          (event.output as { skipped?: unknown }).skipped === true;
        const step = stage?.steps.get(event.step);
        const draft: StepDraft = step ?? {
          id: event.step,
          start: time - event.durationMs,
          end: time,
          outcome: 'succeeded',
          attempts: skipped ? 0 : 1,
          automated: event.automated,
        };
        draft.end = time;
        draft.outcome = skipped ? 'skipped' : 'succeeded';
        draft.automated = event.automated;
        if (event.tokens !== undefined) draft.tokens = event.tokens;
        stage?.steps.set(event.step, draft);
        addTokens(stage, event.tokens);
        extend(stage, time);
        break;
      }
      case 'step_suspended': {
        const stage = stageOf(event.stage);
        stage?.steps.set(event.step, {
          id: event.step,
          kind: 'agent',
          start: time,
          end: time,
          outcome: 'waiting',
          attempts: 0,
          automated: false,
          ...(event.tokens === undefined ? {} : { tokens: event.tokens }),
        });
        if (stage !== undefined) stage.status = 'waiting';
        addTokens(stage, event.tokens);
        extend(stage, time);
        break;
      }
      case 'step_completed': {
        // Completed from outside, while the run waited: the step spans the wait.
        const stage = stageOf(event.stage);
        const step = stage?.steps.get(event.step);
        if (step !== undefined) {
          step.end = time;
          step.outcome = 'completed';
          if (event.tokens !== undefined) step.tokens = (step.tokens ?? 0) + event.tokens;
        }
        addTokens(stage, event.tokens);
        break;
      }
      case 'gate_passed':
      case 'gate_failed': {
        const stage = stageOf(event.stage);
        stage?.gates.push({
          id: event.gate,
          passed: event.type === 'gate_passed',
          reason: event.reason,
          time,
        });
        if (stage !== undefined && event.type === 'gate_failed') stage.status = 'gate_failed';
        extend(stage, time);
        break;
      }
      case 'stage_completed': {
        const stage = stageOf(event.stage);
        if (stage !== undefined) stage.status = 'completed';
        extend(stage, time);
        break;
      }
      case 'run_failed': {
        const stage = stageOf(event.stage);
        if (stage !== undefined && stage.status !== 'gate_failed') stage.status = 'failed';
        extend(stage, time);
        break;
      }
      case 'decision':
      case 'learning':
      case 'journal_page':
        extend(stageOf(event.stage), time);
        break;
      default:
        break;
    }
  }

  const stageReports: StageReport[] = [...stages.values()].map((stage) => {
    const steps = [...stage.steps.values()];
    const done = steps.filter((s) => s.outcome === 'succeeded' || s.outcome === 'completed');
    const automation = ratio(done.filter((s) => s.automated).length, done.length);
    const budget = budgets[stage.persona];
    return {
      id: stage.id,
      persona: stage.persona,
      status: stage.status,
      segments: stage.segments,
      durationMs: stage.segments.reduce((sum, s) => sum + (s.end - s.start), 0),
      steps,
      gates: stage.gates,
      ...(automation === undefined ? {} : { automation }),
      ...(stage.sawTokens ? { tokens: stage.tokens } : {}),
      ...(budget === undefined ? {} : { tokenBudget: budget }),
    };
  });
  const allSteps = stageReports.flatMap((s) => s.steps);
  const done = allSteps.filter((s) => s.outcome === 'succeeded' || s.outcome === 'completed');
  const automatedSteps = done.filter((s) => s.automated).length;
  const automation = ratio(automatedSteps, done.length);
  const gates = stageReports.flatMap((s) => s.gates);
  const tokenStages = stageReports.filter((s) => s.tokens !== undefined);
  const start = Date.parse(first.time);
  const end = Date.parse(last.time);
  return {
    runId: first.runId,
    workflow: first.type === 'run_started' ? first.workflow : '',
    status: runStatus(events),
    start,
    end,
    elapsedMs: end - start,
    workMs: stageReports.reduce((sum, s) => sum + s.durationMs, 0),
    personas: [...new Set(stageReports.map((s) => s.persona))],
    personaSwitches,
    stages: stageReports,
    steps: done.length,
    automatedSteps,
    ...(automation === undefined ? {} : { automation }),
    gatesPassed: gates.filter((g) => g.passed).length,
    gatesFailed: gates.filter((g) => !g.passed).length,
    ...(tokenStages.length === 0
      ? {}
      : { tokens: tokenStages.reduce((sum, s) => sum + (s.tokens ?? 0), 0) }),
    ...(first.type === 'run_started' && first.trace !== undefined
      ? { traceId: first.trace.traceId }
      : {}),
  };
}
