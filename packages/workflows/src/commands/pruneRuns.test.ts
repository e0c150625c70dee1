import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileRunStore } from '../runs/FileRunStore.js';
import { InMemoryRunStore } from '../runs/InMemoryRunStore.js';
import type { RunEventInput } from '../runs/RunEvent.js';
import type { RunStore } from '../runs/RunStore.js';
import { pruneRuns } from './pruneRuns.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const started: RunEventInput = {
  type: 'run_started',
  workflow: 'package-release',
  inputs: {},
  personas: ['backend'],
};
const endings: Record<string, RunEventInput[]> = {
  completed: [{ type: 'run_completed', durationMs: 1, metrics: {} }],
  cancelled: [{ type: 'run_cancelled', reason: 'superseded' }],
  failed: [{ type: 'run_failed', error: { name: 'Error', message: 'boom' } }],
  running: [],
};

let dir: string;
let clock: { now: number };
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-prune-'));
  clock = { now: T0 };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `old-<ending>` ended 100 days before now and `new-<ending>` 1 day before. */
async function seed(store: RunStore): Promise<void> {
  for (const [age, id] of [
    [100, 'old'],
    [1, 'new'],
  ] as const)
    for (const [ending, events] of Object.entries(endings)) {
      clock.now = T0 - age * DAY;
      for (const event of [started, ...events]) await store.append(`${id}-${ending}`, event);
    }
  clock.now = T0;
}

const stores: [string, () => RunStore][] = [
  ['InMemoryRunStore', () => new InMemoryRunStore({ now: () => clock.now })],
  ['FileRunStore', () => new FileRunStore({ root: dir, now: () => clock.now })],
];

describe.each(stores)('pruneRuns on %s', (_name, makeStore) => {
  it('removes the finished runs older than the cut-off, and nothing else', async () => {
    const store = makeStore();
    await seed(store);
    const { removed, busy } = await pruneRuns(store, { before: T0 - 30 * DAY });
    expect(removed.map((r) => r.runId).sort()).toEqual(['old-cancelled', 'old-completed']);
    expect(busy).toEqual([]);
    expect((await store.list()).map((r) => r.runId).sort()).toEqual([
      'new-cancelled',
      'new-completed',
      'new-failed',
      'new-running',
      'old-failed',
      'old-running',
    ]);
    expect(await store.read('old-completed')).toEqual([]);
    if (store instanceof FileRunStore)
      expect((await readdir(dir)).filter((n) => n.startsWith('old-')).sort()).toEqual([
        'old-failed',
        'old-running',
      ]);
  });

  it('removes failed runs only when asked, and only says what it would with dryRun', async () => {
    const store = makeStore();
    await seed(store);
    const seen: string[] = [];
    const dry = await pruneRuns(store, {
      before: T0 - 30 * DAY,
      statuses: ['failed'],
      dryRun: true,
      onRun: (run) => seen.push(run.runId),
    });
    expect(dry.removed.map((r) => r.runId)).toEqual(['old-failed']);
    expect(seen).toEqual(['old-failed']);
    expect(await store.read('old-failed')).toHaveLength(2);
    const done = await pruneRuns(store, { before: T0 - 30 * DAY, statuses: ['failed'] });
    expect(done.removed.map((r) => r.runId)).toEqual(['old-failed']);
    expect(await store.read('old-failed')).toEqual([]);
  });

  it('leaves alone a run another process holds', async () => {
    const store = makeStore();
    await seed(store);
    const held = await store.lease('old-completed', 'someone-else', { ttlMs: 60_000 });
    const { removed, busy } = await pruneRuns(store, { before: T0 - 30 * DAY });
    expect(removed.map((r) => r.runId)).toEqual(['old-cancelled']);
    expect(busy).toEqual(['old-completed']);
    expect(await store.read('old-completed')).toHaveLength(2);
    await held?.release();
  });

  it('refuses to prune runs that may still go on', async () => {
    const store = makeStore();
    await expect(pruneRuns(store, { before: T0, statuses: ['running'] })).rejects.toThrow(
      /running cannot be pruned/,
    );
    await expect(pruneRuns(store, { before: T0, statuses: ['suspended'] })).rejects.toThrow(
      /suspended cannot be pruned/,
    );
  });
});
