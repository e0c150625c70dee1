import { describe, expect, it } from 'vitest';
import { isInvalidRunEventError } from '../runs/errors/InvalidRunEventError.js';
import { isInvalidRunIdError } from '../runs/errors/InvalidRunIdError.js';
import { isLeaseLostError } from '../runs/errors/LeaseLostError.js';
import type { RunEvent, RunEventInput, RunEventInputOf } from '../runs/RunEvent.js';
import type { RunStore } from '../runs/RunStore.js';
import { compareRunSummaries, type RunSummary, summarizeRun } from '../runs/RunSummary.js';
import type { RunStatus } from '../runs/runStatus.js';
import { collect } from './collect.js';

/** What the contract suite gives a store it creates. */
export interface RunStoreTestOptions {
  /** The suite's clock: pass it to the store as `now`. */
  readonly now: () => number;
  /** Pass to the store as `secrets`. */
  readonly secrets: readonly string[];
}

const T0 = Date.parse('2025-03-01T09:00:00.000Z');
/** A value the suite passes in `secrets`, as an environment variable's value would be. */
const ENV_SECRET = 'hunter2-correct-horse';
const GITHUB_TOKEN = `ghp_${'a1B2'.repeat(9)}`;

const started: RunEventInputOf<'run_started'> = {
  type: 'run_started',
  workflow: 'package-release',
  inputs: { version: '1.2.0', dryRun: true },
  personas: ['backend', 'testing', 'devops'],
};
const stage = (id: string, persona = 'backend'): RunEventInput => ({
  type: 'stage_started',
  stage: id,
  persona,
});
const stepStarted = (step: string, kind = 'run'): RunEventInput => ({
  type: 'step_started',
  stage: 'build',
  step,
  kind,
  attempt: 1,
});
const stepSucceeded = (step: string): RunEventInputOf<'step_succeeded'> => ({
  type: 'step_succeeded',
  stage: 'build',
  step,
  output: { exitCode: 0, stdout: 'ok' },
  durationMs: 12,
  automated: true,
});
const suspended = (step: string): RunEventInput => ({
  type: 'step_suspended',
  stage: 'build',
  step,
  instructions: 'Write the release notes',
  expected: 'Markdown',
});
const completedFromOutside = (step: string): RunEventInput => ({
  type: 'step_completed',
  stage: 'build',
  step,
  output: '## 1.2.0',
  by: 'claude-code',
});
const gateFailed: RunEventInput = {
  type: 'gate_failed',
  stage: 'build',
  gate: 'coverage',
  reason: 'line coverage 71% is below 80%',
  metrics: { lines: 71 },
};
const runFailed: RunEventInput = {
  type: 'run_failed',
  stage: 'build',
  error: { name: 'GateFailedError', message: 'quality gate "coverage" failed' },
};

/**
 * The contract every `RunStore` must meet, as a vitest suite. Call it from a test file of the
 * store with a factory that returns a new, empty store using the given clock and secrets (and
 * cleans up in `dispose`).
 */
export function describeRunStore(
  name: string,
  create: (options: RunStoreTestOptions) => RunStore | Promise<RunStore>,
  dispose?: (store: RunStore) => void | Promise<void>,
): void {
  interface World {
    store: RunStore;
    clock: { now: number };
  }
  const withStore = (test: (world: World) => Promise<void>) => async () => {
    const clock = { now: T0 };
    const store = await create({ now: () => clock.now, secrets: [ENV_SECRET] });
    try {
      await test({ store, clock });
    } finally {
      await dispose?.(store);
    }
  };

  describe(`RunStore contract: ${name}`, () => {
    it(
      'assigns seq 1, 2, 3… per run, the time from its clock and the run id',
      withStore(async ({ store, clock }) => {
        const first = await store.append('run-a', started);
        clock.now += 1_500;
        const second = await store.append('run-a', stage('version'));
        const other = await store.append('run-b', started);
        expect(first).toEqual({
          seq: 1,
          time: '2025-03-01T09:00:00.000Z',
          runId: 'run-a',
          ...started,
        });
        expect(second).toMatchObject({ seq: 2, time: '2025-03-01T09:00:01.500Z', runId: 'run-a' });
        expect(other.seq).toBe(1);
        expect(Object.keys(first).slice(0, 4)).toEqual(['seq', 'time', 'runId', 'type']);
      }),
    );

    it(
      'reads back exactly what append returned, in order, JSON values intact',
      withStore(async ({ store }) => {
        const output = {
          nested: { list: [1, 'two', null, true, 2.5] },
          text: 'héllo ✓ 日本',
          empty: {},
        };
        const appended = [
          await store.append('run-1', started),
          await store.append('run-1', stage('build')),
          await store.append('run-1', stepStarted('compile')),
          await store.append('run-1', { ...stepSucceeded('compile'), output }),
          await store.append('run-1', {
            type: 'decision',
            text: 'Ship without the flag',
            by: 'alice',
          }),
        ];
        const read = await store.read('run-1');
        expect(read).toEqual(appended);
        expect(read.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(read[3]).toMatchObject({ output });
        expect(await store.read('never-written')).toEqual([]);
      }),
    );

    it(
      'keeps concurrent appends to one run in seq order, none lost',
      withStore(async ({ store }) => {
        await store.append('run-1', started);
        const appended = await Promise.all(
          Array.from({ length: 25 }, (_, i) => store.append('run-1', stepStarted(`s${i}`))),
        );
        expect(appended.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 25 }, (_, i) => i + 2),
        );
        const read = await store.read('run-1');
        expect(read.map((e) => e.seq)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
        // Appends are stored in the order they were called.
        expect(read.slice(1).map((e) => (e.type === 'step_started' ? e.step : ''))).toEqual(
          Array.from({ length: 25 }, (_, i) => `s${i}`),
        );
      }),
    );

    it(
      'keeps what it stored out of the callers’ reach',
      withStore(async ({ store }) => {
        const input = { ...stepSucceeded('x'), output: { list: [1] } };
        await store.append('run-1', started);
        const returned = await store.append('run-1', input);
        input.output.list.push(2);
        (returned as unknown as typeof input).output.list.push(3);
        const read = await store.read('run-1');
        (read[1] as unknown as typeof input).output.list.push(4);
        expect((await store.read('run-1'))[1]).toMatchObject({ output: { list: [1] } });
      }),
    );

    it(
      'refuses an event that is not run_started first, or run_started again',
      withStore(async ({ store }) => {
        const first = store.append('run-1', stage('build'));
        await expect(first).rejects.toSatisfy(isInvalidRunEventError);
        await expect(first).rejects.toThrow(/first event of a run must be run_started/);
        expect(await store.read('run-1')).toEqual([]);
        await store.append('run-1', started);
        await expect(store.append('run-1', started)).rejects.toThrow(/already started/);
        expect((await store.append('run-1', stage('build'))).seq).toBe(2);
      }),
    );

    it.each<[string, unknown, RegExp]>([
      [
        'an unknown type',
        { type: 'step_exploded', stage: 'x' },
        /unknown event type "step_exploded"/,
      ],
      ['no type', { stage: 'x' }, /type: missing; expected one of run_started, /],
      ['a missing field', { type: 'stage_started', stage: 'build' }, /persona: .*expected string/i],
      [
        'a field of the wrong type',
        { ...stepStarted('s'), attempt: 'first' },
        /invalid step_started event.*attempt:/,
      ],
      ['an attempt of 0', { ...stepStarted('s'), attempt: 0 }, /attempt: .*>=1/],
      [
        'a key it does not know',
        { ...stage('build'), colour: 'red' },
        /Unrecognized key: "colour"/,
      ],
      [
        'output that is not JSON',
        { ...stepSucceeded('s'), output: { at: new Date(0) } },
        /output\.at: a Date object is not JSON/,
      ],
      [
        'a NaN duration',
        { ...stepSucceeded('s'), durationMs: Number.NaN },
        /durationMs: .*expected number/i,
      ],
      ['an empty stage id', stage(''), /stage: .*>=1 characters/],
    ])(
      'refuses an event with %s, with a clear error, and stores nothing',
      async (_what, event, message) => {
        await withStore(async ({ store }) => {
          await store.append('run-1', started);
          const attempt = store.append('run-1', event as RunEventInput);
          await expect(attempt).rejects.toSatisfy(isInvalidRunEventError);
          await expect(attempt).rejects.toThrow(message);
          await expect(attempt).rejects.toThrow(/^run "run-1": /);
          expect(await store.read('run-1')).toHaveLength(1);
          expect((await store.append('run-1', stage('build'))).seq).toBe(2);
        })();
      },
    );

    it.each(['', '../escape', 'a/b', '.hidden', 'x'.repeat(129), 'run 1'])(
      'refuses the run id %j',
      async (runId) => {
        await withStore(async ({ store }) => {
          await expect(store.append(runId, started)).rejects.toSatisfy(isInvalidRunIdError);
          await expect(store.read(runId)).rejects.toSatisfy(isInvalidRunIdError);
          await expect(store.lease(runId, 'me')).rejects.toSatisfy(isInvalidRunIdError);
        })();
      },
    );

    it(
      'redacts secrets before storing, leaving the caller’s event unchanged',
      withStore(async ({ store }) => {
        const input: RunEventInputOf<'run_started'> = {
          ...started,
          inputs: { NPM_TOKEN: 'npm-secret-value', registry: 'https://registry.npmjs.org' },
        };
        const stored = await store.append('run-1', input);
        const output = {
          stdout: `pushed with ${GITHUB_TOKEN}; password is ${ENV_SECRET}`,
          headers: { Authorization: 'Bearer abc', accept: 'json' },
        };
        await store.append('run-1', { ...stepSucceeded('push'), output });
        expect(stored).toMatchObject({
          inputs: { NPM_TOKEN: '[redacted]', registry: 'https://registry.npmjs.org' },
        });
        const text = JSON.stringify(await store.read('run-1'));
        for (const secret of ['npm-secret-value', GITHUB_TOKEN, ENV_SECRET, 'Bearer abc'])
          expect(text).not.toContain(secret);
        expect((await store.read('run-1'))[1]).toMatchObject({
          output: {
            stdout: 'pushed with [redacted]; password is [redacted]',
            headers: { Authorization: '[redacted]', accept: 'json' },
          },
        });
        expect(input).toMatchObject({ inputs: { NPM_TOKEN: 'npm-secret-value' } });
        expect(output.stdout).toContain(GITHUB_TOKEN);
      }),
    );

    it.each<[RunStatus, RunEventInput[]]>([
      ['running', [started]],
      ['running', [started, stage('build'), stepStarted('compile'), stepSucceeded('compile')]],
      ['suspended', [started, stage('build'), stepStarted('notes', 'agent'), suspended('notes')]],
      ['running', [started, stage('build'), suspended('notes'), completedFromOutside('notes')]],
      ['gate_failed', [started, stage('build'), gateFailed, runFailed]],
      ['gate_failed', [started, stage('build'), gateFailed]],
      [
        'failed',
        [
          started,
          stage('build'),
          {
            type: 'step_failed',
            stage: 'build',
            step: 'compile',
            error: { name: 'Error', message: 'exit code 2' },
            attempt: 3,
          },
          {
            type: 'run_failed',
            stage: 'build',
            step: 'compile',
            error: { name: 'Error', message: 'x' },
          },
          { type: 'persona_switched', from: 'backend', to: null },
        ],
      ],
      [
        'running',
        [
          started,
          stage('build'),
          { type: 'run_failed', error: { name: 'E', message: 'x' } },
          stage('build'),
        ],
      ],
      [
        'completed',
        [
          started,
          stage('build'),
          { type: 'stage_completed', stage: 'build', durationMs: 10 },
          { type: 'run_completed', durationMs: 12, metrics: { automationRatio: 0.75 } },
          { type: 'learning', text: 'Cache the build', by: 'bob' },
        ],
      ],
      ['cancelled', [started, suspended('notes'), { type: 'run_cancelled', reason: 'superseded' }]],
    ])('list() derives the status %s from the events', async (status, events) => {
      await withStore(async ({ store }) => {
        // A run being driven holds its lease.
        const lease = await store.lease('run-1', 'engine');
        for (const event of events) await store.append('run-1', event);
        const [summary] = await store.list();
        expect(summary?.status).toBe(status);
        await lease?.release();
      })();
    });

    it(
      'lists only the runs of the statuses asked for, as they are listed',
      withStore(async ({ store }) => {
        const lease = await store.lease('driven', 'engine');
        await store.append('driven', started);
        await store.append('driven', stage('build'));
        await store.append('crashed', started);
        await store.append('crashed', stage('build'));
        await store.append('done', started);
        await store.append('done', { type: 'run_cancelled', reason: 'superseded' });
        const ids = async (statuses: RunStatus[]) =>
          (await store.list({ statuses })).map((s) => `${s.runId}:${s.status}`).sort();
        expect(await ids(['running'])).toEqual(['driven:running']);
        expect(await ids(['interrupted'])).toEqual(['crashed:interrupted']);
        expect(await ids(['queued', 'cancelled', 'interrupted'])).toEqual([
          'crashed:interrupted',
          'done:cancelled',
        ]);
        expect(await ids([])).toEqual([]);
        expect((await store.list()).length).toBe(3);
        await lease?.release();
      }),
    );

    it(
      'lists a running run that nobody drives (its lease lapsed or released) as interrupted',
      withStore(async ({ store }) => {
        const lease = await store.lease('run-1', 'engine');
        await store.append('run-1', started);
        await store.append('run-1', stage('build'));
        expect((await store.list())[0]?.status).toBe('running');
        await lease?.release();
        expect((await store.list())[0]?.status).toBe('interrupted');
      }),
    );

    it(
      'lists every run with events, newest first, with workflow, times, count and stage',
      withStore(async ({ store, clock }) => {
        expect(await store.list()).toEqual([]);
        await store.append('older', started);
        clock.now += 1_000;
        await store.append('newer', { ...started, workflow: 'incident-response' });
        clock.now += 1_000;
        await store.append('older', stage('build'));
        await store.lease('leased-only', 'me');
        expect(await store.list()).toEqual([
          {
            runId: 'newer',
            workflow: 'incident-response',
            status: 'interrupted',
            started: '2025-03-01T09:00:01.000Z',
            updated: '2025-03-01T09:00:01.000Z',
            events: 1,
          },
          {
            runId: 'older',
            workflow: 'package-release',
            status: 'interrupted',
            started: '2025-03-01T09:00:00.000Z',
            updated: '2025-03-01T09:00:02.000Z',
            events: 2,
            stage: 'build',
          },
        ]);
      }),
    );

    it(
      'lists each run as folding its events gives, after every append',
      withStore(async ({ store, clock }) => {
        const lease = await store.lease('run-1', 'engine');
        const folded = async () => summarizeRun(await store.read('run-1'));
        const events: RunEventInput[] = [
          started,
          stage('build'),
          stepStarted('compile'),
          stepSucceeded('compile'),
          stepStarted('notes', 'agent'),
          suspended('notes'),
          completedFromOutside('notes'),
          gateFailed,
          runFailed,
          { type: 'persona_switched', from: 'backend', to: null },
          { type: 'run_resumed', by: 'engine' },
          stage('release', 'devops'),
          { type: 'stage_completed', stage: 'release', durationMs: 5 },
          { type: 'run_completed', durationMs: 40, metrics: { automationRatio: 0.5 } },
          { type: 'learning', text: 'Cache the build', by: 'bob' },
        ];
        for (const event of events) {
          clock.now += 250;
          await store.append('run-1', event);
          const expected = await folded();
          expect(await store.summary('run-1')).toEqual(expected);
          expect(await store.list()).toEqual([expected]);
        }
        expect((await store.list())[0]).toMatchObject({ status: 'completed', events: 15 });
        await lease?.release();
      }),
    );

    it(
      'lists many runs, each as folding its events gives, whatever order they were written in',
      withStore(async ({ store, clock }) => {
        const ids = Array.from({ length: 24 }, (_, i) => `run-${String(i).padStart(2, '0')}`);
        const leases = await Promise.all(ids.map((id) => store.lease(id, 'engine')));
        const tails: RunEventInput[][] = [
          [],
          [stage('build')],
          [stage('build'), stepStarted('compile'), stepSucceeded('compile')],
          [stage('build'), suspended('notes')],
          [stage('build'), gateFailed, runFailed],
          [{ type: 'run_cancelled', reason: 'superseded' }],
        ];
        for (const id of ids) {
          clock.now += 10;
          await store.append(id, started);
        }
        // Round after round, each run gets its next event: appends to many runs interleave.
        for (let round = 0; round < 3; round++)
          for (const [i, id] of ids.entries()) {
            const event = tails[i % tails.length]![round];
            if (event === undefined) continue;
            clock.now += 10;
            await store.append(id, event);
          }
        const expected: RunSummary[] = [];
        for (const id of ids) expected.push(summarizeRun(await store.read(id))!);
        expect(await store.list()).toEqual(expected.sort(compareRunSummaries));
        expect(new Set((await store.list()).map((s) => s.status))).toEqual(
          new Set(['running', 'suspended', 'gate_failed', 'cancelled']),
        );
        for (const lease of leases) await lease?.release();
      }),
    );

    it(
      'gives the lease to one owner at a time',
      withStore(async ({ store }) => {
        const a = await store.lease('run-1', 'engine-a', { ttlMs: 60_000 });
        expect(a).toMatchObject({ runId: 'run-1', owner: 'engine-a', expiresAt: T0 + 60_000 });
        expect(await store.lease('run-1', 'engine-b')).toBeUndefined();
        expect(await store.lease('run-2', 'engine-b')).toBeDefined();
        await a?.release();
        const b = await store.lease('run-1', 'engine-b');
        expect(b?.owner).toBe('engine-b');
        expect(await store.lease('run-1', 'engine-a')).toBeUndefined();
      }),
    );

    it(
      'lets a lease lapse unless renewed, after which another owner takes the run over',
      withStore(async ({ store, clock }) => {
        const a = await store.lease('run-1', 'engine-a', { ttlMs: 100 });
        if (a === undefined) throw new Error('no lease');
        clock.now += 60;
        await a.renew();
        expect(a.expiresAt).toBe(T0 + 160);
        clock.now += 99; // 159: still live thanks to the renewal
        expect(await store.lease('run-1', 'engine-b')).toBeUndefined();
        clock.now += 1; // 160: lapsed
        const b = await store.lease('run-1', 'engine-b', { ttlMs: 100 });
        expect(b?.owner).toBe('engine-b');
        await expect(a.renew()).rejects.toSatisfy(isLeaseLostError);
        await a.release(); // must not free b's lease
        expect(await store.lease('run-1', 'engine-c')).toBeUndefined();
        await b?.renew();
      }),
    );

    it(
      'lets a lapsed lease be renewed while nobody has taken it over',
      withStore(async ({ store, clock }) => {
        const a = await store.lease('run-1', 'engine-a', { ttlMs: 100 });
        clock.now += 500;
        await a?.renew();
        expect(a?.expiresAt).toBe(T0 + 600);
        expect(await store.lease('run-1', 'engine-b')).toBeUndefined();
      }),
    );

    it(
      'hands a new lease to the same owner, superseding the old one',
      withStore(async ({ store }) => {
        const first = await store.lease('run-1', 'engine-a');
        const second = await store.lease('run-1', 'engine-a');
        expect(second).toBeDefined();
        await expect(first?.renew()).rejects.toSatisfy(isLeaseLostError);
        await second?.renew();
        expect(await store.lease('run-1', 'engine-b')).toBeUndefined();
      }),
    );

    it(
      "tells how long a lease lasts without asking the store, and 0 once it is not the holder's",
      withStore(async ({ store, clock }) => {
        const a = await store.lease('run-1', 'engine-a', { ttlMs: 100 });
        if (a?.remainingMs === undefined) return; // optional: the engine then renews
        expect(a.remainingMs()).toBe(100);
        clock.now += 40;
        expect(a.remainingMs()).toBe(60);
        await a.renew();
        expect(a.remainingMs()).toBe(100);
        clock.now += 150;
        expect(a.remainingMs()).toBe(0); // lapsed (renewing it would still work)
        const superseding = await store.lease('run-1', 'engine-a', { ttlMs: 100 });
        expect(a.remainingMs()).toBe(0);
        await a.renew().catch(() => undefined);
        expect(a.remainingMs()).toBe(0); // superseded: not even a renewal brings it back
        expect(superseding?.remainingMs?.()).toBe(100);
        await superseding?.release();
        expect(superseding?.remainingMs?.()).toBe(0);
      }),
    );

    it(
      'ends a released lease for good: release again does nothing, renew throws',
      withStore(async ({ store }) => {
        const a = await store.lease('run-1', 'engine-a');
        await a?.release();
        await a?.release();
        await expect(a?.renew()).rejects.toSatisfy(isLeaseLostError);
        await expect(a?.renew()).rejects.toThrow(/lease of "engine-a" on run "run-1" was lost/);
      }),
    );

    it(
      'refuses a lease with a bad ttl or owner',
      withStore(async ({ store }) => {
        await expect(store.lease('run-1', 'a', { ttlMs: 0 })).rejects.toThrow(RangeError);
        await expect(store.lease('run-1', 'a', { ttlMs: Number.NaN })).rejects.toThrow(RangeError);
        await expect(store.lease('run-1', ' ')).rejects.toThrow(TypeError);
      }),
    );

    it(
      'does not start a call once its signal is aborted',
      withStore(async ({ store }) => {
        const controller = new AbortController();
        controller.abort(new Error('stop'));
        const { signal } = controller;
        await expect(store.append('run-1', started, { signal })).rejects.toThrow('stop');
        await expect(store.read('run-1', { signal })).rejects.toThrow('stop');
        await expect(store.list({ signal })).rejects.toThrow('stop');
        await expect(store.lease('run-1', 'a', { signal })).rejects.toThrow('stop');
        expect(await store.read('run-1')).toEqual([]);
        expect(await store.lease('run-1', 'a')).toBeDefined();
      }),
    );

    const seqs = (events: RunEvent[]) => events.map((e) => e.seq);

    it(
      'follows a run, when it can: the events after `after`, then each one appended, until aborted',
      withStore(async ({ store }) => {
        if (store.follow === undefined) return; // optional: readers then read again
        await store.append('run-1', started);
        await store.append('run-1', stage('build'));
        const controller = new AbortController();
        const following = collect(store.follow('run-1', { after: 1, signal: controller.signal }));
        await following.until((events) => events.length === 1);
        expect(following.items[0]).toEqual((await store.read('run-1'))[1]);
        await store.append('run-1', stepStarted('compile'));
        await store.append('run-1', stepSucceeded('compile'));
        await following.until((events) => events.length === 3);
        expect(seqs(following.items)).toEqual([2, 3, 4]);
        expect(following.items).toEqual((await store.read('run-1')).slice(1));
        controller.abort();
        await following.ended();
      }),
    );

    it(
      'follows, when it can, a run that does not exist yet from its first event',
      withStore(async ({ store }) => {
        if (store.follow === undefined) return;
        const controller = new AbortController();
        const following = collect(store.follow('later', { signal: controller.signal }));
        await store.append('later', started);
        await store.append('later', stage('build'));
        await following.until((events) => events.length === 2);
        expect(seqs(following.items)).toEqual([1, 2]);
        controller.abort();
        await following.ended();
      }),
    );

    it(
      "follows, when it can, from the end: only what is appended after (`after: 'end'`)",
      withStore(async ({ store }) => {
        if (store.follow === undefined) return;
        await store.append('run-1', started);
        const controller = new AbortController();
        const following = collect(
          store.follow('run-1', { after: 'end', signal: controller.signal }),
        );
        // "From now on" begins when the follower has looked: append until it sees something.
        while (!following.any) {
          await store.append('run-1', stepStarted('s'));
          await new Promise((resolve) => setImmediate(resolve));
        }
        const count = (await store.read('run-1')).length;
        await following.until((events) => events.at(-1)?.seq === count);
        const got = seqs(following.items);
        expect(got[0]).toBeGreaterThan(1);
        expect(got).toEqual(Array.from({ length: got.length }, (_, i) => got[0]! + i));
        controller.abort();
        await following.ended();
      }),
    );

    it(
      'tells, when it can, which runs change, new ones too, until aborted',
      withStore(async ({ store }) => {
        if (store.changes === undefined) return; // optional: readers then list from time to time
        await store.append('run-a', started);
        const controller = new AbortController();
        const changes = collect(store.changes({ signal: controller.signal }));
        // "From now on" begins when the reader has looked: append until it hears of one.
        while (!changes.any) {
          await store.append('run-a', stepStarted('s'));
          await new Promise((resolve) => setImmediate(resolve));
        }
        expect(changes.items[0]).toBe('run-a');
        await store.append('run-b', started);
        await changes.until((ids) => ids.includes('run-b'));
        // Counted before the append: its change may come before the append returns.
        const seen = changes.items.length;
        await store.append('run-a', stage('build'));
        await changes.until((ids) => ids.slice(seen).includes('run-a'));
        expect(new Set(changes.items)).toEqual(new Set(['run-a', 'run-b']));
        controller.abort();
        await changes.ended();
      }),
    );

    it(
      'removes a run, when it has remove: its events, summary and lease, and only that run',
      withStore(async ({ store }) => {
        if (store.remove === undefined) return;
        await store.append('run-1', started);
        await store.append('run-1', stage('build'));
        await store.append('run-2', started);
        const lease = await store.lease('run-1', 'pruner');
        expect(lease).toBeDefined();
        await store.remove('run-1');
        await lease!.release(); // gives back nothing: the lease went with the run
        expect(await store.read('run-1')).toEqual([]);
        expect(await store.summary('run-1')).toBeUndefined();
        expect((await store.list()).map((s) => s.runId)).toEqual(['run-2']);
        expect(await store.read('run-2')).toHaveLength(1);
        // The id is free again: a new run starts at seq 1, and its lease can be taken.
        expect((await store.append('run-1', started)).seq).toBe(1);
        const again = await store.lease('run-1', 'engine');
        expect(again?.owner).toBe('engine');
        await again?.release();
        await store.remove('never-written'); // nothing to remove: no error
      }),
    );

    it(
      'syncs, when it has sync, without changing what is read',
      withStore(async ({ store }) => {
        await store.sync?.('run-1'); // nothing written yet
        await store.append('run-1', started);
        await store.sync?.('run-1');
        expect(await store.read('run-1')).toHaveLength(1);
      }),
    );
  });
}
