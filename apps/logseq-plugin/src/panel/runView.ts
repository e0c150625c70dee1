import type { JsonValue, RunEvent, RunSummary } from '@tta-dev/workflows';
import { type RunStatus, runStatus } from '@tta-dev/workflows/journal';

export type StepState =
  | 'running'
  | 'retrying'
  | 'succeeded'
  | 'skipped'
  | 'failed'
  | 'waiting'
  | 'completed';

export interface StepView {
  id: string;
  kind?: string;
  state: StepState;
  /** What an `agent` step asks for, while it waits. */
  instructions?: string;
  expected?: JsonValue;
  /** Who completed it. */
  by?: string;
  error?: string;
}

export interface GateView {
  id: string;
  passed: boolean;
  reason: string;
}

export type StageState = 'running' | 'waiting' | 'completed' | 'gate_failed' | 'failed';

export interface StageView {
  id: string;
  persona: string;
  state: StageState;
  steps: StepView[];
  gates: GateView[];
}

/** A run as the panel shows it. */
export interface RunView {
  runId: string;
  workflow: string;
  status: RunStatus;
  /** ISO times of the first and last events. */
  started: string;
  updated: string;
  /** The stage most recently started. */
  stage?: string;
  personas: string[];
  stages: StageView[];
  /** Decisions and learnings recorded. */
  notes: number;
  /** Whether the run's events are loaded (else only its summary is known). */
  detailed: boolean;
}

/** A run's view from its events (pure). `events` starts with `run_started`. */
export function runView(events: readonly RunEvent[]): RunView {
  const first = events[0];
  if (first?.type !== 'run_started')
    throw new Error(`run ${first?.runId ?? '(no events)'} does not start with run_started`);
  const stages = new Map<string, StageView>();
  const stageOf = (id: string, persona = ''): StageView => {
    let stage = stages.get(id);
    if (stage === undefined) {
      stage = { id, persona, state: 'running', steps: [], gates: [] };
      stages.set(id, stage);
    }
    return stage;
  };
  const stepOf = (stageId: string, id: string): StepView => {
    const stage = stageOf(stageId);
    let step = stage.steps.find((s) => s.id === id);
    if (step === undefined) {
      step = { id, state: 'running' };
      stage.steps.push(step);
    }
    return step;
  };
  let current: string | undefined;
  let notes = 0;
  for (const event of events) {
    switch (event.type) {
      case 'stage_started': {
        const stage = stageOf(event.stage, event.persona);
        stage.persona = event.persona;
        stage.state = 'running';
        current = event.stage;
        break;
      }
      case 'step_started':
        Object.assign(stepOf(event.stage, event.step), {
          kind: event.kind,
          state: 'running',
          error: undefined,
        });
        break;
      case 'step_failed':
        Object.assign(stepOf(event.stage, event.step), {
          state: 'retrying',
          error: event.error.message,
        });
        break;
      case 'step_succeeded':
        Object.assign(stepOf(event.stage, event.step), {
          state: isSkipped(event.output) ? 'skipped' : 'succeeded',
          error: undefined,
        });
        break;
      case 'step_suspended':
        Object.assign(stepOf(event.stage, event.step), {
          kind: 'agent',
          state: 'waiting',
          instructions: event.instructions,
          expected: event.expected,
        });
        break;
      case 'step_completed':
        Object.assign(stepOf(event.stage, event.step), {
          state: 'completed',
          by: event.by,
          instructions: undefined,
        });
        break;
      case 'gate_passed':
      case 'gate_failed': {
        const stage = stageOf(event.stage);
        const gate = { id: event.gate, passed: event.type === 'gate_passed', reason: event.reason };
        const at = stage.gates.findIndex((g) => g.id === event.gate);
        if (at >= 0) stage.gates[at] = gate;
        else stage.gates.push(gate);
        break;
      }
      case 'stage_completed':
        stageOf(event.stage).state = 'completed';
        break;
      case 'run_failed':
        if (event.stage !== undefined) {
          stageOf(event.stage).state = 'failed';
          if (event.step !== undefined)
            Object.assign(stepOf(event.stage, event.step), {
              state: 'failed',
              error: event.error.message,
            });
        }
        break;
      case 'decision':
      case 'learning':
        notes++;
        break;
      default:
        break;
    }
  }
  const status = runStatus(events);
  for (const stage of stages.values()) {
    if (stage.state !== 'running') continue;
    if (stage.gates.some((g) => !g.passed)) stage.state = 'gate_failed';
    else if (stage.steps.some((s) => s.state === 'waiting')) stage.state = 'waiting';
  }
  return {
    runId: first.runId,
    workflow: first.workflow,
    status,
    started: first.time,
    updated: events.at(-1)!.time,
    ...(current === undefined ? {} : { stage: current }),
    personas: [...new Set(first.personas)],
    stages: [...stages.values()],
    notes,
    detailed: true,
  };
}

/** What the panel shows of a run whose events are not loaded yet. */
export function summaryView(summary: RunSummary): RunView {
  return {
    runId: summary.runId,
    workflow: summary.workflow,
    status: summary.status,
    started: summary.started,
    updated: summary.updated,
    ...(summary.stage === undefined ? {} : { stage: summary.stage }),
    personas: [],
    stages: [],
    notes: 0,
    detailed: false,
  };
}

function isSkipped(output: JsonValue): boolean {
  return (
    typeof output === 'object' &&
    output !== null &&
    !Array.isArray(output) &&
    output.skipped === true
  );
}
