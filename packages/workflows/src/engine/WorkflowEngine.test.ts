import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry, PersonaStore } from '@tta-dev/personas';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseWorkflow } from '../definition/parseWorkflow.js';
import { InMemoryRunStore } from '../runs/InMemoryRunStore.js';
import { WorkflowEngine } from './WorkflowEngine.js';

let registry: PersonaRegistry;
let home: string;
let personaStore: PersonaStore;
beforeAll(async () => {
  registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
});
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'tta-engine-'));
  personaStore = new PersonaStore({ home });
});
afterEach(() => rm(home, { recursive: true, force: true }));

const workflow = (text: string) => parseWorkflow('test.workflow.yaml', text, { registry });
const engineWith = (store = new InMemoryRunStore()) => ({
  store,
  engine: new WorkflowEngine({ store, registry, personaStore, cwd: home, env: process.env }),
});

const release = workflow(`name: mini-release
description: A small release.
inputs:
  threshold: { type: number, default: 80 }
stages:
  - id: prepare
    title: Prepare
    persona: backend
    steps:
      - id: version
        run: echo 1.2.3
        saveAs: version
      - id: note
        memory: { contract: "v\${{ steps.version.output.stdout }}" }
  - id: verify
    title: Verify
    persona: testing
    steps:
      - id: coverage
        run: echo "Lines 86.4%"
    gates:
      - id: coverage-ok
        value: "\${{ steps.coverage.output.stdout }}"
        min: "\${{ inputs.threshold }}"
  - id: ship
    title: Ship
    persona: devops
    steps:
      - id: notes
        agent: Write notes for \${{ memory.contract }}.
        expected: Markdown
      - id: done
        run: echo shipped \${{ steps.notes.output }}
`);

describe('WorkflowEngine', () => {
  it('runs stages under their personas, suspends at an agent step, and resumes to the end', async () => {
    const { engine, store } = engineWith();
    await personaStore.activate({
      name: 'tta-data-scientist',
      displayName: 'DS',
      icon: 'x',
      source: 'builtin',
    });
    const first = await engine.start(release, {}, 'run-1');
    expect(first.status).toBe('suspended');
    const suspended = first.events.find((e) => e.type === 'step_suspended');
    expect(suspended).toMatchObject({
      step: 'notes',
      instructions: 'Write notes for v1.2.3.',
      expected: 'Markdown',
    });
    expect(
      first.events
        .filter((e) => e.type === 'persona_switched')
        .map((e) => e.type === 'persona_switched' && e.to),
    ).toEqual([
      'tta-backend-engineer',
      'tta-testing-specialist',
      'tta-devops-engineer',
      'tta-data-scientist',
    ]);
    expect(first.events.find((e) => e.type === 'gate_passed')).toMatchObject({
      gate: 'coverage-ok',
      metrics: { value: 86.4, min: 80 },
    });

    await engine.complete('run-1', 'notes', 'All good', { note: 'written by hand', by: 'ada' });
    const second = await engine.resume('run-1', release);
    expect(second.status).toBe('completed');
    const done = second.events.find((e) => e.type === 'step_succeeded' && e.step === 'done');
    expect(done?.type === 'step_succeeded' && (done.output as { stdout: string }).stdout).toBe(
      'shipped All good',
    );
    // No step ran twice.
    const starts = (await store.read('run-1'))
      .filter((e) => e.type === 'step_started')
      .map((e) => e.type === 'step_started' && e.step);
    expect(starts).toEqual(['version', 'note', 'coverage', 'done']);
    // The persona is given back before run_completed, whose figures count that switch too.
    const completed = second.events.at(-1);
    expect(completed).toMatchObject({
      type: 'run_completed',
      metrics: {
        steps: 5,
        automatedSteps: 4,
        automation: 0.8,
        gatesPassed: 1,
        gatesFailed: 0,
        personaSwitches: second.events.filter((e) => e.type === 'persona_switched').length,
      },
    });
    expect((await personaStore.active())?.name).toBe('tta-data-scientist');
  });

  it("counts a paused stage's work before the pause in its duration, not the wait", async () => {
    const { engine, store } = engineWith();
    const paced = workflow(`name: paced
description: d
stages:
  - id: s
    title: S
    persona: backend
    steps:
      - { id: slow, run: sleep 1 }
      - { id: ask, agent: Check it. }
      - { id: quick, run: "true" }
`);
    await engine.start(paced, {}, 'run-8');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await engine.complete('run-8', 'ask', 'ok');
    await engine.resume('run-8', paced);
    const all = await store.read('run-8');
    const entered = all.find((e) => e.type === 'stage_started')!;
    const paused = all.find((e) => e.type === 'step_suspended')!;
    const done = all.find((e) => e.type === 'stage_completed');
    const before = Date.parse(paused.time) - Date.parse(entered.time);
    expect(before).toBeGreaterThanOrEqual(1000);
    expect(done?.type === 'stage_completed' && done.durationMs).toBeGreaterThanOrEqual(before);
  });

  it('stops at a failed gate with the reason', async () => {
    const { engine } = engineWith();
    const result = await engine.start(release, { threshold: 95 }, 'run-2');
    expect(result.status).toBe('gate_failed');
    expect(result.events.find((e) => e.type === 'gate_failed')).toMatchObject({
      reason: '86.4 is not ≥ 95',
    });
    expect(result.events.some((e) => e.type === 'stage_started' && e.stage === 'ship')).toBe(false);
  });

  it('retries a failing step, then fails the run with the command output', async () => {
    const { engine } = engineWith();
    const flaky = workflow(`name: flaky
description: d
stages:
  - id: s
    title: S
    persona: backend
    steps:
      - id: boom
        run: echo broken >&2; exit 4
        retry: { maxRetries: 2, backoff: constant, initialDelayMs: 1 }
`);
    const result = await engine.start(flaky, {}, 'run-3');
    expect(result.status).toBe('failed');
    expect(
      result.events
        .filter((e) => e.type === 'step_failed')
        .map((e) => e.type === 'step_failed' && e.attempt),
    ).toEqual([1, 2, 3]);
    expect(result.events.find((e) => e.type === 'run_failed')).toMatchObject({
      step: 'boom',
      error: { message: expect.stringContaining('exited 4 (expected 0):\nbroken') },
    });
  });

  it('refuses bad inputs clearly', async () => {
    const { engine } = engineWith();
    await expect(engine.start(release, { threshold: 'lots' })).rejects.toThrow(
      'input "threshold" must be a number',
    );
    await expect(engine.start(release, { colour: 'red' })).rejects.toThrow(
      'unknown input "colour"',
    );
  });

  it('will not run an interrupted step that is not idempotent again', async () => {
    const { engine, store } = engineWith();
    const tag = workflow(`name: tagger
description: d
stages:
  - id: s
    title: S
    persona: devops
    steps:
      - id: tag
        run: echo tagged
        idempotent: false
`);
    // A crash after the step started: its start is in the log, its end is not.
    await store.append('run-4', {
      type: 'run_started',
      workflow: 'tagger',
      inputs: {},
      personas: ['tta-devops-engineer'],
    });
    await store.append('run-4', {
      type: 'stage_started',
      stage: 's',
      persona: 'tta-devops-engineer',
    });
    await store.append('run-4', {
      type: 'step_started',
      stage: 's',
      step: 'tag',
      kind: 'run',
      attempt: 1,
    });
    const result = await engine.resume('run-4', tag);
    expect(result.status).toBe('failed');
    expect(result.events.find((e) => e.type === 'run_failed')).toMatchObject({
      error: { name: 'InterruptedStepError' },
    });
  });

  it('tries fallback steps in order when a step fails, and records every attempt', async () => {
    const { engine } = engineWith();
    const result = await engine.start(
      workflow(`name: fallbacks
description: d
stages:
  - id: s
    title: S
    persona: backend
    steps:
      - id: fetch
        run: exit 3
        fallback:
          - { id: mirror, run: exit 5 }
          - { id: cache, memory: { source: cached } }
      - id: after
        run: echo \${{ steps.fetch.output.source }}
`),
      {},
      'run-5',
    );
    expect(result.status).toBe('completed');
    const started = result.events.filter((e) => e.type === 'step_started');
    expect(started.map((e) => e.type === 'step_started' && [e.step, e.kind, e.attempt])).toEqual([
      ['fetch', 'run', 1],
      ['fetch', 'run', 2],
      ['fetch', 'memory', 3],
      ['after', 'run', 1],
    ]);
    const after = result.events.find((e) => e.type === 'step_succeeded' && e.step === 'after');
    expect(after?.type === 'step_succeeded' && (after.output as { stdout: string }).stdout).toBe(
      'cached',
    );
  });

  it('hands other kinds to their runner with templates rendered, and counts tokens', async () => {
    const tools = workflow(`name: tools
description: d
inputs:
  word: { type: string, default: hello }
stages:
  - id: s
    title: S
    persona: backend
    instructions: Keep the API stable.
    steps:
      - id: call
        tool: fx__echo
        with: { text: "\${{ inputs.word }}" }
      - id: review
        agent: Review \${{ steps.call.output.echoed.text }}.
`);
    const seen: unknown[] = [];
    const store = new InMemoryRunStore();
    const engine = new WorkflowEngine({
      store,
      registry,
      personaStore,
      cwd: home,
      env: process.env,
      runners: {
        tool: async (step, context) => {
          seen.push({ step, persona: context.persona, stage: context.stage.id });
          context.reportTokens?.(42);
          return { echoed: step.kind === 'tool' ? step.with : null };
        },
      },
    });
    const result = await engine.start(tools, {}, 'run-6');
    expect(seen).toEqual([
      {
        step: expect.objectContaining({ id: 'call', kind: 'tool', with: { text: 'hello' } }),
        persona: 'tta-backend-engineer',
        stage: 's',
      },
    ]);
    expect(result.status).toBe('suspended');
    const suspended = result.events.find((e) => e.type === 'step_suspended');
    expect(suspended).toMatchObject({ instructions: 'Review hello.', tokens: expect.any(Number) });
    await engine.complete('run-6', 'review', 'fine', { by: 'assistant', tokens: 100 });
    const done = await engine.resume('run-6', tools);
    const completed = done.events.find((e) => e.type === 'run_completed');
    const stageTokens = done.events.find((e) => e.type === 'stage_started');
    const instructionTokens =
      (stageTokens?.type === 'stage_started' ? (stageTokens.tokens ?? 0) : 0) +
      (suspended?.type === 'step_suspended' ? (suspended.tokens ?? 0) : 0);
    expect(instructionTokens).toBeGreaterThan(4);
    expect(completed).toMatchObject({
      metrics: {
        tokens: instructionTokens + 42 + 100,
        tokensByPersona: { 'tta-backend-engineer': instructionTokens + 142 },
        personaTimeMs: { 'tta-backend-engineer': expect.any(Number) },
        stageDurationMs: { s: expect.any(Number) },
      },
    });
  });

  it('fails a step of a kind it has no runner for, clearly', async () => {
    const { engine } = engineWith();
    const result = await engine.start(
      workflow(`name: no-runner
description: d
stages:
  - id: s
    title: S
    persona: backend
    steps:
      - id: call
        tool: fx__echo
`),
      {},
      'run-7',
    );
    expect(result.events.find((e) => e.type === 'run_failed')).toMatchObject({
      error: { name: 'NotAvailableError', message: expect.stringContaining('tool steps') },
    });
  });
});
