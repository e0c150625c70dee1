import { describe, expect, it } from 'vitest';
import { completeStep } from '../commands/completeStep.js';
import { foldRun } from '../runs/foldRun.js';
import { InMemoryRunStore } from '../runs/InMemoryRunStore.js';
import { engineKit } from './engine.testkit.js';

const kit = await engineKit();
const workflow = kit.workflow(`name: ship
description: Build anywhere, deploy on a deploy worker.
inputs:
  version: { type: string, required: true }
stages:
  - id: build
    title: Build
    persona: backend
    steps:
      - { id: compile, run: echo built }
      - { id: review, agent: Review the build }
  - id: deploy
    title: Deploy
    persona: devops
    runsOn: [deploy]
    steps:
      - { id: push, run: echo pushed }
`);
const engineOf = kit.engine;
const types = (events: readonly { type: string }[]) => events.map((e) => e.type);

describe('queued runs and placement by labels', () => {
  it('queue records the checked inputs and run_queued, and runs nothing', async () => {
    const store = new InMemoryRunStore();
    const result = await engineOf(store).queue(workflow, { version: '1.0.0' }, 'q1');
    expect(result.status).toBe('queued');
    expect(types(result.events)).toEqual(['run_started', 'run_queued']);
    expect((await store.summary('q1'))?.status).toBe('queued');
    await expect(engineOf(store).queue(workflow, {}, 'q2')).rejects.toThrow(/version/);
  });

  it('a drive without a stage’s label hands the run back with the labels it needs', async () => {
    const store = new InMemoryRunStore();
    const anywhere = engineOf(store, { labels: [], owner: 'w-any' });
    await anywhere.queue(workflow, { version: '1' }, 'r');
    expect((await anywhere.resume('r', workflow)).status).toBe('suspended');
    await completeStep(store, 'r', 'review', { output: 'ok' }, 'alice');
    // The last answer queues the run for any worker; this one lacks `deploy`.
    expect(foldRun(await store.read('r'))).toMatchObject({ status: 'queued', needs: [] });
    const handed = await anywhere.resume('r', workflow);
    expect(handed.status).toBe('queued');
    expect(foldRun(handed.events)?.needs).toEqual(['deploy']);
    expect(handed.events.at(-1)).toMatchObject({ type: 'run_queued', by: 'w-any' });
    // A claim that checks the needs refuses it without appending anything.
    const before = handed.events.length;
    const offers = (labels: string[]) => (state: { status: string; needs?: string[] }) =>
      state.status === 'queued' && (state.needs ?? []).every((l) => labels.includes(l));
    const refused = await anywhere.resume('r', workflow, { claim: offers([]) });
    expect(refused.claimed).toBe(false);
    expect(await store.read('r')).toHaveLength(before);
    const deployer = engineOf(store, { labels: ['deploy'], owner: 'w-deploy' });
    const done = await deployer.resume('r', workflow, { claim: offers(['deploy']) });
    expect(done.status).toBe('completed');
    const push = done.events.find((e) => e.type === 'step_succeeded' && e.step === 'push');
    expect(push).toBeDefined();
  });

  it('without labels a drive offers every label (a person’s run goes through)', async () => {
    const store = new InMemoryRunStore();
    const engine = engineOf(store);
    await engine.start(workflow, { version: '1' }, 'p');
    await completeStep(store, 'p', 'review', { output: 'ok' }, 'alice');
    expect((await engine.resume('p', workflow)).status).toBe('completed');
  });

  it('hand-back: a drive told to stop gives the run back at the next step boundary', async () => {
    const store = new InMemoryRunStore();
    const stop = new AbortController();
    stop.abort();
    const engine = engineOf(store, { handBack: stop.signal, owner: 'w-stop' });
    await engineOf(store).queue(workflow, { version: '1' }, 's');
    const result = await engine.resume('s', workflow);
    expect(result.status).toBe('queued');
    expect(result.events.at(-1)).toMatchObject({ type: 'run_queued', reason: 'worker stopping' });
    expect(result.events.some((e) => e.type === 'step_started')).toBe(false);
    // Nobody holds it: another process takes it at once.
    expect(await store.lease('s', 'other')).toBeDefined();
  });
});
