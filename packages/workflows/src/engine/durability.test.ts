import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseWorkflow } from '../definition/parseWorkflow.js';
import { defineStepKind } from '../definition/StepKind.js';
import { isLeaseLostError } from '../runs/errors/LeaseLostError.js';
import { FileRunStore } from '../runs/FileRunStore.js';
import type { RunEventInput } from '../runs/RunEvent.js';
import type { RunStore } from '../runs/RunStore.js';
import { WorkflowEngine } from './WorkflowEngine.js';

// What the engine makes durable, and when: the promise is that a step that succeeded is never
// run again after a crash, with one fsync per step and no more, and that only the lease holder
// appends.

let registry: PersonaRegistry;
let dir: string;
beforeAll(async () => {
  registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-durability-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** What happened, in order: appends (by event type), syncs, and the steps' work. */
let trace: string[];
/** How often each step's work ran. */
let runs: Map<string, number>;
/** Called inside a step's work, before it returns. */
let during: ((id: string) => Promise<void>) | undefined;
beforeEach(() => {
  trace = [];
  runs = new Map();
  during = undefined;
});

const probe = defineStepKind({
  kind: 'probe',
  fields: z.object({ probe: z.string() }).strict(),
  run: async (step) => {
    const id = (step as unknown as { probe: string }).probe;
    trace.push(`work ${id}`);
    runs.set(id, (runs.get(id) ?? 0) + 1);
    await during?.(id);
    return id;
  },
});
const kinds = [probe];
const workflow = parseWorkflow(
  'probe.workflow.yaml',
  `name: probes
description: d
stages:
  - id: s
    title: S
    persona: backend
    steps:
${['a', 'b', 'c', 'd'].map((id) => `      - { id: ${id}, probe: ${id} }\n`).join('')}`,
  { kinds },
);

/**
 * `store`, recording appends and syncs in `trace`; every append fails ("crashes") once
 * `crashAfter` steps succeeded.
 */
function recording(store: FileRunStore, crashAfter = Number.POSITIVE_INFINITY): RunStore {
  let succeeded = 0;
  return {
    append: async (runId: string, event: RunEventInput) => {
      if (succeeded >= crashAfter) throw new Error('crash');
      const stored = await store.append(runId, event);
      if (event.type === 'step_succeeded') succeeded++;
      trace.push(event.type);
      return stored;
    },
    read: (runId) => store.read(runId),
    list: () => store.list(),
    summary: (runId) => store.summary(runId),
    lease: (runId, owner, options) => store.lease(runId, owner, options),
    sync: async (runId) => {
      await store.sync(runId);
      trace.push('sync');
    },
  };
}

const engineOn = (store: RunStore) => new WorkflowEngine({ store, registry, cwd: dir, kinds });

describe('WorkflowEngine durability', () => {
  it('makes the log durable before each step works and when the run ends: one sync per step', async () => {
    const result = await engineOn(recording(new FileRunStore({ cwd: dir }))).start(
      workflow,
      {},
      'run-1',
    );
    expect(result.status).toBe('completed');
    // Before every step's work, the last thing done is a sync after that step's start: the
    // success of the step before, and this start, are on the disk.
    for (const [i, entry] of trace.entries())
      if (entry.startsWith('work '))
        expect(trace.slice(i - 2, i)).toEqual(['step_started', 'sync']);
    expect(trace.filter((e) => e === 'sync')).toHaveLength(4 + 1);
    expect(trace.at(-2)).toBe('run_completed');
    expect(trace.at(-1)).toBe('sync');
  });

  it('never runs a succeeded step again after a crash between appends', async () => {
    // The "crash" comes after b's success, before c starts.
    const crashed = engineOn(recording(new FileRunStore({ cwd: dir }), 2));
    await expect(crashed.start(workflow, {}, 'run-1')).rejects.toThrow('crash');
    expect([...runs]).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    // A new process: a new store, which knows only the file.
    const resumed = await engineOn(new FileRunStore({ cwd: dir })).resume('run-1', workflow);
    expect(resumed.status).toBe('completed');
    expect([...runs]).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 1],
      ['d', 1],
    ]);
  });

  it('renews the lease only when it runs low, not around every step', async () => {
    const store = new FileRunStore({ cwd: dir });
    let renewals = 0;
    const counting: RunStore = {
      ...recording(store),
      lease: async (runId, owner, options) => {
        const lease = await store.lease(runId, owner, options);
        if (lease === undefined) return undefined;
        return Object.assign(Object.create(lease), {
          renew: () => {
            renewals++;
            return lease.renew();
          },
          remainingMs: () => lease.remainingMs?.() ?? 0,
          release: () => lease.release(),
        });
      },
    };
    expect((await engineOn(counting).start(workflow, {}, 'run-1')).status).toBe('completed');
    expect(renewals).toBe(0);
  });

  it('stops appending once another owner took the run over', async () => {
    const clock = { now: Date.now() };
    const now = () => clock.now;
    const store = new FileRunStore({ cwd: dir, now });
    during = async (id) => {
      if (id !== 'b') return;
      // The drive stalled past its lease's time; another process took the run over.
      clock.now += 60_000;
      const other = await new FileRunStore({ cwd: dir, now }).lease('run-1', 'other-owner');
      expect(other).toBeDefined();
    };
    const drive = engineOn(store).start(workflow, {}, 'run-1');
    await expect(drive).rejects.toSatisfy(isLeaseLostError);
    const events = await new FileRunStore({ cwd: dir }).read('run-1');
    // b's start is the last event: no success, failure or end was appended after the take-over.
    expect(events.at(-1)).toMatchObject({ type: 'step_started', step: 'b' });
    expect(runs.get('c')).toBeUndefined();
  });

  it('stops appending once a newer lease of this process superseded the drive', async () => {
    const store = new FileRunStore({ cwd: dir });
    during = async (id) => {
      if (id !== 'a') return;
      // The engine's owner, from this process: the newer lease supersedes the drive's.
      const newer = await store.lease('run-1', `${hostname()}:${process.pid}`);
      expect(newer).toBeDefined();
      await newer?.release();
    };
    await expect(engineOn(store).start(workflow, {}, 'run-1')).rejects.toSatisfy(isLeaseLostError);
    const events = await store.read('run-1');
    expect(events.at(-1)).toMatchObject({ type: 'step_started', step: 'a' });
  });
});
