import { describe, expect, it } from 'vitest';
import { engineKit } from '../engine/engine.testkit.js';
import { isRunBusyError } from '../runs/errors/RunBusyError.js';
import { isRunFinishedError } from '../runs/errors/RunFinishedError.js';
import { isStepNotWaitingError } from '../runs/errors/StepNotWaitingError.js';
import { foldRun } from '../runs/foldRun.js';
import { InMemoryRunStore } from '../runs/InMemoryRunStore.js';
import { cancelRun } from './cancelRun.js';
import { completeStep } from './completeStep.js';

const kit = await engineKit();
const workflow = kit.workflow(`name: deploy
description: A deploy that must not run twice.
stages:
  - id: ship
    title: Ship
    persona: devops
    steps:
      - { id: deploy, run: echo deployed, idempotent: false }
      - { id: after, run: echo after }
`);

/** A run whose drive died in the middle of its non-idempotent step. */
async function crashedRun() {
  const store = new InMemoryRunStore();
  await store.append('r', {
    type: 'run_started',
    workflow: 'deploy',
    inputs: {},
    personas: ['tta-devops-engineer'],
  });
  await store.append('r', { type: 'stage_started', stage: 'ship', persona: 'tta-devops-engineer' });
  await store.append('r', {
    type: 'step_started',
    stage: 'ship',
    step: 'deploy',
    kind: 'run',
    attempt: 1,
  });
  const engine = kit.engine(store);
  return { store, engine };
}

const starts = (events: readonly { type: string; step?: string }[], step: string) =>
  events.filter((e) => e.type === 'step_started' && e.step === step).length;

describe('settling a step a crash interrupted', () => {
  it('resume stops at it and says how to settle it; --output settles it as done', async () => {
    const { store, engine } = await crashedRun();
    const stopped = await engine.resume('r', workflow);
    expect(stopped.status).toBe('failed');
    expect(foldRun(stopped.events)!.failure?.error.message).toMatch(
      /interrupted and is not idempotent.*tta workflow complete r deploy --output JSON.*--rerun/,
    );
    await completeStep(store, 'r', 'deploy', { output: 'it went out' }, 'ana');
    const done = await engine.resume('r', workflow);
    expect(done.status).toBe('completed');
    expect(starts(done.events, 'deploy')).toBe(1); // never run again
    expect(foldRun(done.events)!.steps.deploy).toMatchObject({ outcome: 'completed', by: 'ana' });
  });

  it('--rerun lets the next resume run it again', async () => {
    const { store, engine } = await crashedRun();
    await engine.resume('r', workflow);
    await completeStep(store, 'r', 'deploy', { rerun: true }, 'ana');
    const done = await engine.resume('r', workflow);
    expect(done.status).toBe('completed');
    expect(starts(done.events, 'deploy')).toBe(2);
  });

  it('--failed stops the run there', async () => {
    const { store } = await crashedRun();
    await completeStep(store, 'r', 'deploy', { failed: 'the deploy broke prod' }, 'ana');
    const state = foldRun(await store.read('r'))!;
    expect(state.status).toBe('failed');
    expect(state.failure?.error.message).toBe('the deploy broke prod');
  });
});

describe('completeStep and cancelRun refuse', () => {
  it('a step the run does not wait for, a run driven by another process, a finished run', async () => {
    const { store } = await crashedRun();
    await expect(completeStep(store, 'r', 'after', { output: 1 }, 'ana')).rejects.toSatisfy(
      isStepNotWaitingError,
    );
    const held = await store.lease('r', 'a-drive-elsewhere');
    await expect(
      completeStep(store, 'r', 'deploy', { output: 1 }, 'ana', { waitMs: 50 }),
    ).rejects.toSatisfy(isRunBusyError);
    await held?.release();
    await cancelRun(store, 'r', 'not today');
    await expect(completeStep(store, 'r', 'deploy', { output: 1 }, 'ana')).rejects.toSatisfy(
      isRunFinishedError,
    );
    await expect(cancelRun(store, 'r', 'again')).rejects.toSatisfy(isRunFinishedError);
  });
});
