import { describe, expect, it } from 'vitest';
import { engineKit } from '../engine/engine.testkit.js';
import { foldRun } from '../runs/foldRun.js';
import { InMemoryRunStore } from '../runs/InMemoryRunStore.js';
import type { RunStore } from '../runs/RunStore.js';
import { runWorker, type WorkerEvent } from './runWorker.js';

const kit = await engineKit();
const workflow = kit.workflow(`name: two
description: A stage anywhere, a stage on deploy workers.
stages:
  - { id: a, title: A, persona: backend, steps: [{ id: a1, run: "true" }] }
  - { id: b, title: B, persona: devops, runsOn: [deploy], steps: [{ id: b1, run: "true" }] }
`);

/** A worker of `store` offering `labels`, driving with its own engine; its events in `seen`. */
function worker(
  store: RunStore,
  name: string,
  labels: string[],
  seen: (WorkerEvent & { worker: string })[],
  signal?: AbortSignal,
) {
  return runWorker({
    store,
    labels,
    leaseMs: 30_000,
    concurrency: 3,
    pollMs: 10,
    once: signal === undefined,
    ...(signal === undefined ? {} : { signal }),
    drive: (summary, claim, handBack) =>
      kit
        .engine(store, { labels, handBack, owner: name })
        .resume(summary.runId, workflow, { claim }),
    onEvent: (event) => seen.push({ ...event, worker: name }),
  });
}

describe('runWorker', () => {
  it('two workers share the queued runs: each stage where its labels are, each run once', async () => {
    const store = new InMemoryRunStore();
    const engine = kit.engine(store);
    const ids = Array.from({ length: 8 }, (_, i) => `r${i}`);
    for (const id of ids) await engine.queue(workflow, {}, id);
    const seen: (WorkerEvent & { worker: string })[] = [];
    // The one without labels does stage a of some runs and hands them on; --once ends each.
    await Promise.all([worker(store, 'any', [], seen), worker(store, 'dep', ['deploy'], seen)]);
    await worker(store, 'dep', ['deploy'], seen);
    for (const id of ids) {
      const events = await store.read(id);
      expect(foldRun(events)?.status).toBe('completed');
      const b1 = events.filter((e) => e.type === 'step_started' && e.step === 'b1');
      expect(b1).toHaveLength(1);
      expect(events.filter((e) => e.type === 'step_started' && e.step === 'a1')).toHaveLength(1);
      // Stage b ran under a drive of the deploy worker.
      const drives = events.filter((e) => e.type === 'run_resumed');
      const last = drives.filter((e) => e.seq < b1[0]!.seq).at(-1);
      expect(last).toMatchObject({ by: 'dep' });
    }
    const claims = seen.filter((e) => e.type === 'claimed');
    expect(new Set(claims.map((e) => `${e.runId}`)).size).toBe(ids.length);
    expect(seen.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('stops claiming when told, hands back what it drives, and resolves', async () => {
    const store = new InMemoryRunStore();
    const slow = kit.workflow(`name: two
description: A slow step, then another.
stages:
  - id: a
    title: A
    persona: backend
    steps: [{ id: a1, run: "sleep 1" }, { id: a2, run: "true" }]
`);
    await kit.engine(store).queue(slow, {}, 's1');
    const stop = new AbortController();
    const done = runWorker({
      store,
      labels: [],
      leaseMs: 30_000,
      pollMs: 10,
      signal: stop.signal,
      drive: (summary, claim, handBack) =>
        kit.engine(store, { handBack }).resume(summary.runId, slow, {
          claim,
        }),
      // Stopped as soon as it has the run: the step under way finishes, the next is not begun.
      onEvent: (event) => {
        if (event.type === 'claimed') stop.abort();
      },
    });
    await done;
    const state = foldRun(await store.read('s1'))!;
    expect(state.status).toBe('queued');
    expect(state.steps.a2).toBeUndefined();
    expect(await store.lease('s1', 'next')).toBeDefined();
  });

  it('with changes(): wakes for a run queued later, and for a dead holder’s lease lapsing', async () => {
    // The in-memory store with changes(), as the Postgres store has them (LISTEN/NOTIFY).
    const store = new InMemoryRunStore();
    const listeners = new Set<(id: string) => void>();
    const append = store.append.bind(store);
    store.append = async (runId, event, options) => {
      const stored = await append(runId, event, options);
      for (const listener of listeners) listener(runId);
      return stored;
    };
    const watched = Object.assign(store, {
      async *changes(options: { signal?: AbortSignal } = {}) {
        const ids: string[] = [];
        let wake: (() => void) | undefined;
        const listener = (id: string) => {
          ids.push(id);
          wake?.();
        };
        listeners.add(listener);
        options.signal?.addEventListener('abort', () => wake?.());
        try {
          while (!options.signal?.aborted) {
            const id = ids.shift();
            if (id !== undefined) yield id;
            else await new Promise<void>((resolve) => (wake = resolve));
          }
        } finally {
          listeners.delete(listener);
        }
      },
    });
    const stop = new AbortController();
    const seen: WorkerEvent[] = [];
    const finished = (runId: string) =>
      new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (seen.some((e) => e.type === 'finished' && e.runId === runId)) {
            clearInterval(check);
            resolve();
          }
        }, 5);
      });
    const done = runWorker({
      store: watched,
      labels: [],
      leaseMs: 100,
      // Never polls: a change, a drive ending or a lease lapsing wakes it.
      pollMs: 3_600_000,
      signal: stop.signal,
      drive: (summary, claim, handBack) =>
        kit.engine(store, { handBack }).resume(summary.runId, workflow, {
          claim,
        }),
      onEvent: (event) => seen.push(event),
    });
    await kit.engine(store).queue(workflow, {}, 'later');
    await finished('later');
    // A holder that dies mid-run: its lease lapses, no event says so.
    // (The lease first: a worker woken by the append must find it held.)
    expect(await store.lease('dead', 'gone', { ttlMs: 100 })).toBeDefined();
    await store.append('dead', { type: 'run_started', workflow: 'two', inputs: {}, personas: [] });
    await finished('dead');
    stop.abort();
    await done;
    expect(seen.filter((e) => e.type === 'claimed').map((e) => e.runId)).toEqual(['later', 'dead']);
    expect(seen.find((e) => e.type === 'claimed' && e.runId === 'dead')).toMatchObject({
      was: 'interrupted',
    });
  });
});
