import type { JsonValue, RunEvent } from './RunEvent.js';
import {
  DONE_OUTCOMES,
  type RunState,
  type StageState,
  type StepOutcome,
  type StepState,
} from './RunState.js';

/**
 * The state of a run from its events, in order: the one projection of a run's log that every
 * view reads (engine replay, status, report, journal, run server, plugin, gateway tools). Pure
 * and browser-safe. `undefined` for no events; the first event must be `run_started`.
 */
export function foldRun(events: readonly RunEvent[]): RunState | undefined {
  const first = events[0];
  if (first === undefined) return undefined;
  const state = initialState(first);
  for (let i = 1; i < events.length; i++) applyEvent(state, events[i]!);
  return state;
}

/** The state of a run after its first event, which must be `run_started`. */
export function initialState(first: RunEvent): RunState {
  if (first.type !== 'run_started')
    throw new TypeError(`run "${first.runId}" does not begin with run_started (seq ${first.seq})`);
  return {
    runId: first.runId,
    workflow: first.workflow,
    inputs: first.inputs,
    personas: first.personas,
    ...(first.trace === undefined ? {} : { trace: first.trace }),
    status: 'running',
    started: first.time,
    updated: first.time,
    events: first.seq,
    drives: 1,
    stages: [],
    waiting: [],
    steps: {},
    outputs: {},
    memory: {},
    notes: [],
    pages: [],
    personaSwitches: 0,
    tokens: 0,
  };
}

/**
 * Folds one more event into a run's state, in place, and returns it (a live view applies each
 * event as it arrives, at the cost of that event only).
 *
 * The status: `completed` and `cancelled` are final. `failed` and `gate_failed` last until a
 * later event of progress (a resume, a stage or step starting, a step completed from outside, a
 * gate passing). `suspended` while an `agent` step waits. Notes, pages and persona switches
 * never change it (a learning may be added to a finished run; the engine gives the persona back
 * after a failure).
 */
export function applyEvent(state: RunState, event: RunEvent): RunState {
  const time = Date.parse(event.time);
  state.updated = event.time;
  state.events = event.seq;
  switch (event.type) {
    case 'run_started':
      break;
    case 'run_resumed':
      state.drives++;
      // What the dead drive left started was interrupted; the new drive decides what to do.
      for (const step of Object.values(state.steps))
        if (step.outcome === 'running') step.outcome = 'interrupted';
      progress(state);
      break;
    case 'run_rewound': {
      if (isFinal(state)) break;
      // The steps named start afresh: no outcome, no output, not waited for.
      for (const id of event.steps) {
        const step = state.steps[id];
        if (step === undefined) continue;
        setOutcome(state, step, 'running');
        delete state.steps[id];
        delete state.outputs[id];
        const stage = findStage(state, step.stage);
        if (stage !== undefined) stage.steps.splice(stage.steps.indexOf(step), 1);
      }
      // The stages named are not done; their gates are judged again.
      for (const id of event.stages) {
        const stage = findStage(state, id);
        if (stage === undefined) continue;
        stage.status = 'running';
        stage.gates = [];
        delete stage.failure;
      }
      progress(state);
      break;
    }
    case 'persona_switched':
      if (state.personaSwitches === 0) state.personaBefore = event.from;
      state.personaSwitches++;
      state.persona = event.to;
      break;
    case 'stage_started': {
      const stage = stageOf(state, event.stage, event.time);
      stage.persona = event.persona;
      stage.status = 'running';
      stage.segments.push({ start: time, end: time });
      delete stage.failure;
      state.stage = event.stage;
      progress(state);
      break;
    }
    case 'step_started': {
      const step = stepOf(state, event.stage, event.step, time);
      if (step.attempts === 0) step.start = time;
      step.kind = event.kind;
      setOutcome(state, step, 'running');
      step.attempts++;
      step.end = time;
      delete step.error;
      work(state, event.stage, time);
      progress(state);
      break;
    }
    case 'step_failed': {
      const step = stepOf(state, event.stage, event.step, time);
      setOutcome(state, step, 'failed');
      step.error = event.error;
      step.end = time;
      step.durationMs = time - step.start;
      work(state, event.stage, time);
      progress(state);
      break;
    }
    case 'step_succeeded': {
      const step = stepOf(state, event.stage, event.step, time - event.durationMs);
      setOutcome(state, step, 'succeeded');
      step.output = event.output;
      step.durationMs = event.durationMs;
      step.automated = event.automated;
      step.end = time;
      if (event.tokens !== undefined) step.tokens = (step.tokens ?? 0) + event.tokens;
      delete step.error;
      done(state, step, event.output, memoryOf(step, event.output, event.saveAs));
      work(state, event.stage, time);
      progress(state);
      break;
    }
    case 'step_skipped': {
      const step = stepOf(state, event.stage, event.step, time);
      setOutcome(state, step, 'skipped');
      step.end = time;
      step.durationMs = 0;
      step.automated = true;
      done(state, step, { skipped: true });
      work(state, event.stage, time);
      progress(state);
      break;
    }
    case 'step_suspended': {
      const step = stepOf(state, event.stage, event.step, time);
      if (step.outcome !== 'waiting') step.start = time;
      step.kind = 'agent';
      setOutcome(state, step, 'waiting');
      step.automated = false;
      step.instructions = event.instructions;
      step.expected = event.expected;
      step.end = time;
      step.waitMs = 0;
      if (event.tokens !== undefined) step.tokens = (step.tokens ?? 0) + event.tokens;
      if (event.saveAs !== undefined) step.saveAs = event.saveAs;
      stageOf(state, event.stage, event.time).status = 'suspended';
      work(state, event.stage, time);
      progress(state);
      break;
    }
    case 'step_completed': {
      const step = stepOf(state, event.stage, event.step, time);
      if (step.outcome === 'waiting') step.waitMs = time - step.start;
      setOutcome(state, step, 'completed');
      step.output = event.output;
      step.by = event.by;
      step.automated = false;
      step.end = time;
      step.durationMs = time - step.start;
      if (event.note !== undefined) step.note = event.note;
      if (event.tokens !== undefined) step.tokens = (step.tokens ?? 0) + event.tokens;
      delete step.error;
      delete step.instructions;
      done(
        state,
        step,
        event.output,
        step.saveAs === undefined ? undefined : { [step.saveAs]: event.output },
      );
      const stage = stageOf(state, event.stage, event.time);
      if (stage.status === 'suspended' && !stage.steps.some((s) => s.outcome === 'waiting'))
        stage.status = 'running';
      progress(state);
      break;
    }
    case 'gate_passed':
    case 'gate_failed': {
      const stage = stageOf(state, event.stage, event.time);
      const gate = {
        id: event.gate,
        stage: event.stage,
        passed: event.type === 'gate_passed',
        reason: event.reason,
        metrics: event.metrics,
        time,
      };
      const at = stage.gates.findIndex((g) => g.id === event.gate);
      if (at >= 0) stage.gates[at] = gate;
      else stage.gates.push(gate);
      work(state, event.stage, time);
      if (gate.passed) progress(state);
      else {
        stage.status = 'gate_failed';
        state.status = 'gate_failed';
      }
      break;
    }
    case 'decision':
    case 'learning':
      state.notes.push({
        type: event.type,
        seq: event.seq,
        time: event.time,
        ...(event.stage === undefined ? {} : { stage: event.stage }),
        text: event.text,
        by: event.by,
      });
      // A note is often added from outside, later: it is not the stage's work.
      break;
    case 'journal_page': {
      const at = state.pages.findIndex((p) => p.stage === event.stage && p.step === event.step);
      if (at >= 0) state.pages.splice(at, 1);
      state.pages.push({
        stage: event.stage,
        step: event.step,
        title: event.title,
        content: event.content,
      });
      work(state, event.stage, time);
      break;
    }
    case 'stage_completed': {
      const stage = stageOf(state, event.stage, event.time);
      stage.status = 'completed';
      work(state, event.stage, time);
      progress(state);
      break;
    }
    case 'run_completed':
      state.completed = { durationMs: event.durationMs, metrics: event.metrics };
      state.status = 'completed';
      break;
    case 'run_failed': {
      if (isFinal(state)) break;
      state.failure = {
        ...(event.stage === undefined ? {} : { stage: event.stage }),
        ...(event.step === undefined ? {} : { step: event.step }),
        error: event.error,
      };
      const stage = event.stage === undefined ? undefined : findStage(state, event.stage);
      if (stage !== undefined) {
        if (stage.status !== 'gate_failed') stage.status = 'failed';
        stage.failure = event.error.message;
        work(state, stage.id, time);
        const step = event.step === undefined ? undefined : state.steps[event.step];
        // An interrupted step stays so until someone settles it (`completeStep`).
        if (
          step !== undefined &&
          !DONE_OUTCOMES.has(step.outcome) &&
          step.outcome !== 'interrupted'
        ) {
          setOutcome(state, step, 'failed');
          step.error = event.error;
          step.end = time;
        }
      }
      if (state.status !== 'gate_failed') state.status = 'failed';
      break;
    }
    case 'run_queued':
      // Handed to the workers: a stop (failed) is behind it, the next drive goes on.
      if (isFinal(state) || state.waiting.length > 0) break;
      delete state.failure;
      state.status = 'queued';
      state.needs = [...event.needs];
      break;
    case 'run_cancelled':
      if (isFinal(state)) break;
      state.cancelled = { reason: event.reason };
      state.status = 'cancelled';
      for (const stage of state.stages)
        if (stage.status !== 'completed') stage.status = 'cancelled';
      break;
  }
  if ('tokens' in event && event.tokens !== undefined) addTokens(state, event, event.tokens);
  // An agent step's wait grows while it waits.
  for (const id of state.waiting) {
    const step = state.steps[id]!;
    step.waitMs = time - step.start;
  }
  return state;
}

/** The agent steps a suspended run waits for, in the order they were suspended. */
export function waitingNow(state: RunState): StepState[] {
  return state.status === 'suspended' ? state.waiting.map((id) => state.steps[id]!) : [];
}

function isFinal(state: RunState): boolean {
  return state.status === 'completed' || state.status === 'cancelled';
}

/** Progress clears a stop (`failed`, `gate_failed`), and the run waits while a step does. */
function progress(state: RunState): void {
  if (isFinal(state)) return;
  delete state.failure;
  delete state.needs;
  state.status = state.waiting.length > 0 ? 'suspended' : 'running';
}

/** Sets a step's outcome, keeping the list of waiting steps. */
function setOutcome(state: RunState, step: StepState, outcome: StepOutcome): void {
  if (step.outcome === 'waiting' && outcome !== 'waiting')
    state.waiting.splice(state.waiting.indexOf(step.id), 1);
  else if (outcome === 'waiting' && step.outcome !== 'waiting') state.waiting.push(step.id);
  step.outcome = outcome;
}

function findStage(state: RunState, id: string): StageState | undefined {
  return state.stages.find((s) => s.id === id);
}

function stageOf(state: RunState, id: string, iso: string): StageState {
  let stage = findStage(state, id);
  if (stage === undefined) {
    stage = {
      id,
      persona: '',
      status: 'running',
      started: iso,
      segments: [],
      steps: [],
      gates: [],
    };
    state.stages.push(stage);
  }
  return stage;
}

function stepOf(state: RunState, stageId: string, id: string, time: number): StepState {
  let step = state.steps[id];
  if (step === undefined) {
    step = {
      id,
      stage: stageId,
      outcome: 'running',
      attempts: 0,
      start: time,
      end: time,
      durationMs: 0,
      automated: true,
    };
    state.steps[id] = step;
    stageOf(state, stageId, new Date(time).toISOString()).steps.push(step);
  }
  return step;
}

/** Work of a stage stretches its latest segment to `time`. */
function work(state: RunState, stageId: string, time: number): void {
  const segment = findStage(state, stageId)?.segments.at(-1);
  if (segment !== undefined && time > segment.end) segment.end = time;
}

function done(
  state: RunState,
  step: StepState,
  output: JsonValue,
  memory?: Record<string, JsonValue>,
): void {
  state.outputs[step.id] = output;
  if (memory !== undefined) Object.assign(state.memory, memory);
}

/** What a step done by the engine puts into the run memory: a `memory` step's object, `saveAs`. */
function memoryOf(
  step: StepState,
  output: JsonValue,
  saveAs: string | undefined,
): Record<string, JsonValue> | undefined {
  const merged =
    step.kind === 'memory' &&
    typeof output === 'object' &&
    output !== null &&
    !Array.isArray(output)
      ? { ...output }
      : undefined;
  if (saveAs === undefined) return merged;
  return { ...merged, [saveAs]: output };
}

function addTokens(state: RunState, event: RunEvent, tokens: number): void {
  state.tokens += tokens;
  const stageId = 'stage' in event ? event.stage : undefined;
  const stage = stageId === undefined ? undefined : findStage(state, stageId);
  if (stage !== undefined) stage.tokens = (stage.tokens ?? 0) + tokens;
}
