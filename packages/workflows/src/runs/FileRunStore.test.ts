import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeRunStore } from '../testing/describeRunStore.js';
import { acquireFileLease } from './_fileLease.js';
import { isRunLogCorruptError } from './errors/RunLogCorruptError.js';
import { DEFAULT_RUNS_DIR, EVENTS_FILE, FileRunStore, LEASE_FILE } from './FileRunStore.js';
import type { RunEventInput } from './RunEvent.js';
import { summarizeRun } from './RunSummary.js';

const folders = new WeakMap<FileRunStore, string>();
describeRunStore(
  'FileRunStore',
  async (options) => {
    const cwd = await mkdtemp(join(tmpdir(), 'tta-runs-'));
    const store = new FileRunStore({ ...options, cwd });
    folders.set(store, cwd);
    return store;
  },
  async (store) => {
    const cwd = folders.get(store as FileRunStore);
    if (cwd !== undefined) await rm(cwd, { recursive: true, force: true });
  },
);

const started: RunEventInput = {
  type: 'run_started',
  workflow: 'package-release',
  inputs: {},
  personas: ['backend'],
};
const step = (i: number): RunEventInput => ({
  type: 'step_started',
  stage: 'build',
  step: `step-${i}`,
  kind: 'run',
  attempt: 1,
});

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'tta-runs-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const logOf = (runId: string) => join(cwd, DEFAULT_RUNS_DIR, runId, EVENTS_FILE);

describe('FileRunStore on disk', () => {
  it('keeps one JSON-lines log per run at <cwd>/.tta/runs/<runId>/events.jsonl', async () => {
    const store = new FileRunStore({ cwd });
    expect(store.root).toBe(join(cwd, '.tta', 'runs'));
    await store.append('run-1', started);
    await store.append('run-1', step(1));
    const lines = (await readFile(logOf('run-1'), 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[1]!)).toMatchObject({ seq: 2, runId: 'run-1', type: 'step_started' });
  });

  it('resolves a relative root against cwd, and takes an absolute one as it is', async () => {
    expect(new FileRunStore({ cwd, root: 'var/runs' }).root).toBe(join(cwd, 'var', 'runs'));
    expect(new FileRunStore({ cwd: '/elsewhere', root: join(cwd, 'r') }).root).toBe(join(cwd, 'r'));
  });

  it('never changes the bytes already written: later appends only add to the end', async () => {
    const store = new FileRunStore({ cwd });
    await store.append('run-1', started);
    for (let i = 1; i <= 3; i++) await store.append('run-1', step(i));
    const before = await readFile(logOf('run-1'));
    for (let i = 4; i <= 6; i++) await store.append('run-1', step(i));
    await new FileRunStore({ cwd }).append('run-1', step(7)); // a new process, same log
    const after = await readFile(logOf('run-1'));
    expect(after.length).toBeGreaterThan(before.length);
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    expect((await store.read('run-1')).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('does not read the log again to append: seq and size are kept after the first read', async () => {
    const store = new FileRunStore({ cwd });
    await store.append('run-1', started);
    await store.append('run-1', step(1));
    // Damage an early line without changing the file's size. A store that re-read the log on
    // every append would now fail; this one appends, because it knows where the log ends.
    const bytes = await readFile(logOf('run-1'));
    const damaged = Buffer.from(bytes.toString().replace('"attempt":1', '"attempt":0'));
    expect(damaged.length).toBe(bytes.length);
    await writeFile(logOf('run-1'), damaged);
    expect((await store.append('run-1', step(2))).seq).toBe(3);
    await expect(new FileRunStore({ cwd }).read('run-1')).rejects.toThrow(/:2: not a valid run/);
  });

  it('reads the log again when another process appended in between', async () => {
    const a = new FileRunStore({ cwd });
    const b = new FileRunStore({ cwd });
    await a.append('run-1', started);
    await a.append('run-1', step(1));
    expect((await b.append('run-1', step(2))).seq).toBe(3);
    expect((await a.append('run-1', step(3))).seq).toBe(4);
    expect((await b.read('run-1')).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('ignores a torn last line and starts the next event on a new line', async () => {
    const writer = new FileRunStore({ cwd });
    await writer.append('run-1', started);
    await writer.append('run-1', step(1));
    const whole = `${JSON.stringify({ seq: 3, time: new Date().toISOString(), runId: 'run-1', ...step(2) })}\n`;
    const half = whole.slice(0, Math.floor(whole.length / 2));
    await appendFile(logOf('run-1'), half); // the crash: half a line, no newline
    const before = await readFile(logOf('run-1'));

    const store = new FileRunStore({ cwd }); // the next process
    expect((await store.read('run-1')).map((e) => e.seq)).toEqual([1, 2]);
    expect((await store.append('run-1', step(2))).seq).toBe(3);
    const after = await readFile(logOf('run-1'));
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    expect(after.subarray(before.length).toString()).toMatch(/^\n\{"seq":3,/);
    // The fragment stays in the file, now in the middle, and is still skipped.
    expect((await new FileRunStore({ cwd }).read('run-1')).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await store.append('run-1', step(3))).seq).toBe(4);
  });

  it('recovers from a torn line when the same store appends next, without reading first', async () => {
    await new FileRunStore({ cwd }).append('run-1', started);
    await appendFile(logOf('run-1'), '{"seq":2,"time":"2025-');
    const store = new FileRunStore({ cwd });
    expect((await store.append('run-1', step(1))).seq).toBe(2);
    expect((await store.read('run-1')).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('keeps a last event that lost only its newline', async () => {
    const store = new FileRunStore({ cwd });
    await store.append('run-1', started);
    await store.append('run-1', step(1));
    const bytes = await readFile(logOf('run-1'));
    await writeFile(logOf('run-1'), bytes.subarray(0, bytes.length - 1));
    const next = new FileRunStore({ cwd });
    expect(await next.read('run-1')).toHaveLength(2);
    expect((await next.append('run-1', step(2))).seq).toBe(3);
    expect((await new FileRunStore({ cwd }).read('run-1')).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it.each<[string, (lines: string[]) => string[], RegExp]>([
    [
      'an invalid event before the end',
      (lines) => [lines[0]!, '{"seq":2,"type":"nonsense"}', ...lines.slice(2)],
      /events\.jsonl:2: not a valid run event/,
    ],
    ['a missing event', (lines) => [lines[0]!, ...lines.slice(2)], /:2: seq jumps from 1 to 3/],
    [
      'an event damaged into a line that is not JSON',
      (lines) => [lines[0]!, '{"seq":2,"type":', ...lines.slice(2)],
      /:2: not JSON, and the next event has seq 3 where 2 was due/,
    ],
    [
      'an event written twice',
      (lines) => [lines[0]!, lines[1]!, lines[1]!, ...lines.slice(2)],
      /:3: seq 2 comes again/,
    ],
    [
      'a log that does not begin with run_started',
      (lines) => lines.slice(1),
      /:1: seq jumps from 0 to 2/,
    ],
    [
      'an event of another run',
      (lines) => [
        lines[0]!,
        lines[1]!.replace('"runId":"run-1"', '"runId":"run-2"'),
        ...lines.slice(2),
      ],
      /:2: an event of run "run-2", not "run-1"/,
    ],
  ])('reports %s as corruption, naming the file and line', async (_what, damage, message) => {
    const store = new FileRunStore({ cwd });
    await store.append('run-1', started);
    for (let i = 1; i <= 3; i++) await store.append('run-1', step(i));
    const lines = (await readFile(logOf('run-1'), 'utf8')).split('\n');
    await writeFile(logOf('run-1'), damage(lines).join('\n'));
    const read = new FileRunStore({ cwd }).read('run-1');
    await expect(read).rejects.toSatisfy(isRunLogCorruptError);
    await expect(read).rejects.toThrow(message);
    await expect(read).rejects.toThrow(logOf('run-1'));
  });

  it('lists the other runs when one log is corrupt, and that one as unreadable', async () => {
    const store = new FileRunStore({ cwd });
    await store.append('good', started);
    await store.append('broken', started);
    await appendFile(logOf('broken'), '{"seq": 7, "type": "nonsense"}\n{"seq": 8}\n');
    const listed = await new FileRunStore({ cwd }).list();
    expect(listed.map((s) => [s.runId, s.status])).toEqual([
      ['good', 'interrupted'],
      ['broken', 'unreadable'],
    ]);
    expect(listed[1]?.error).toMatch(/events\.jsonl:2: not a valid run event/);
  });

  it('writes no file, not even a folder, for a refused event', async () => {
    const store = new FileRunStore({ cwd });
    await expect(store.append('run-1', step(1))).rejects.toThrow();
    expect(existsSync(join(store.root, 'run-1'))).toBe(false);
  });

  it('lists only run folders with events, ignoring other entries', async () => {
    const store = new FileRunStore({ cwd });
    await store.append('run-1', started);
    await mkdir(join(store.root, 'empty-run'));
    await writeFile(join(store.root, 'notes.txt'), 'not a run');
    await mkdir(join(store.root, '.cache'));
    await store.lease('leased', 'me');
    expect((await new FileRunStore({ cwd }).list()).map((s) => s.runId)).toEqual(['run-1']);
    expect(await new FileRunStore({ cwd: join(cwd, 'nowhere') }).list()).toEqual([]);
  });
});

describe('FileRunStore lease file', () => {
  const leaseOf = (runId: string) => join(cwd, DEFAULT_RUNS_DIR, runId, LEASE_FILE);

  it('holds owner, pid and expiry in <root>/<runId>/lease.json, gone once released', async () => {
    let now = Date.parse('2025-03-01T09:00:00.000Z');
    const store = new FileRunStore({ cwd, now: () => now });
    const lease = await store.lease('run-1', 'engine-a', { ttlMs: 30_000 });
    expect(JSON.parse(await readFile(leaseOf('run-1'), 'utf8'))).toMatchObject({
      owner: 'engine-a',
      pid: process.pid,
      expiresAt: '2025-03-01T09:00:30.000Z',
    });
    now += 10_000;
    await lease?.renew();
    expect(JSON.parse(await readFile(leaseOf('run-1'), 'utf8'))).toMatchObject({
      expiresAt: '2025-03-01T09:00:40.000Z',
    });
    await lease?.release();
    expect(existsSync(leaseOf('run-1'))).toBe(false);
  });

  it('keeps its lease through renewals and recorded work at once (the heartbeat meets a spawn)', async () => {
    const store = new FileRunStore({ cwd });
    const lease = (await store.lease('run-1', 'engine-a'))!;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0 ? lease.renew() : lease.track!([1000 + i]),
      ),
    );
    expect(JSON.parse(await readFile(leaseOf('run-1'), 'utf8'))).toMatchObject({
      owner: 'engine-a',
      work: [1019],
    });
    await lease.release();
  });

  it('is exclusive across two stores on the same root, as across two processes', async () => {
    const a = new FileRunStore({ cwd });
    const b = new FileRunStore({ cwd });
    const held = await a.lease('run-1', 'process-a');
    expect(held).toBeDefined();
    expect(await b.lease('run-1', 'process-b')).toBeUndefined();
    await held?.release();
    expect(await b.lease('run-1', 'process-b')).toBeDefined();
    expect(await a.lease('run-1', 'process-a')).toBeUndefined();
  });

  it('gives a lapsed lease to exactly one of many owners racing for it, round after round', async () => {
    let now = 1_000_000;
    const clock = () => now;
    await new FileRunStore({ cwd, now: clock }).lease('run-1', 'crashed', { ttlMs: 10 });
    for (let round = 0; round < 15; round++) {
      now += 11; // the lease of the previous round lapses
      const leases = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          new FileRunStore({ cwd, now: clock }).lease('run-1', `owner-${round}-${i}`, {
            ttlMs: 10,
          }),
        ),
      );
      const winners = leases.filter((l) => l !== undefined);
      expect(winners).toHaveLength(1);
      const onDisk = JSON.parse(await readFile(leaseOf('run-1'), 'utf8')) as { owner: string };
      expect(onDisk.owner).toBe(winners[0]?.owner);
    }
  });

  it('does not take over a lease that another owner took over since it was read', async () => {
    let now = 1_000_000;
    const clock = { now: () => now };
    const dir = join(cwd, DEFAULT_RUNS_DIR, 'run-1');
    await new FileRunStore({ cwd, now: clock.now }).lease('run-1', 'crashed', { ttlMs: 10 });
    now += 11;
    let proceed = () => {};
    const paused = new Promise<void>((resolvePause) => {
      proceed = resolvePause;
    });
    let reached = () => {};
    const readIt = new Promise<void>((resolveReached) => {
      reached = resolveReached;
    });
    // b reads the lapsed lease, then stalls before claiming it…
    const b = acquireFileLease(dir, 'run-1', 'b', 60_000, clock, {
      beforeClaim: () => {
        reached();
        return paused;
      },
    });
    await readIt;
    // …while a takes the run over.
    const a = await new FileRunStore({ cwd, now: clock.now }).lease('run-1', 'a', {
      ttlMs: 60_000,
    });
    expect(a?.owner).toBe('a');
    proceed();
    expect(await b).toBeUndefined();
    expect(JSON.parse(await readFile(leaseOf('run-1'), 'utf8'))).toMatchObject({ owner: 'a' });
    await a?.renew();
  });

  it('gives a free lease to exactly one of many owners racing for it', async () => {
    const leases = await Promise.all(
      Array.from({ length: 12 }, (_, i) => new FileRunStore({ cwd }).lease('run-1', `owner-${i}`)),
    );
    expect(leases.filter((l) => l !== undefined)).toHaveLength(1);
  });

  it('lets another owner take over a lease whose process is gone, not one whose process lives', async () => {
    const store = new FileRunStore({ cwd });
    await mkdir(dirname(leaseOf('run-1')), { recursive: true });
    const lease = (pid: number) => ({
      owner: 'gone',
      pid,
      host: hostname(),
      token: `t${pid}`,
      acquiredAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const liveLease = lease(process.pid);
    await writeFile(leaseOf('run-1'), JSON.stringify(liveLease));
    expect(await store.lease('run-1', 'other')).toBeUndefined();
    await writeFile(leaseOf('run-1'), JSON.stringify(lease(await deadPid())));
    expect((await store.lease('run-1', 'other'))?.owner).toBe('other');
  });

  it('takes over a damaged lease file', async () => {
    const store = new FileRunStore({ cwd });
    await mkdir(dirname(leaseOf('run-1')), { recursive: true });
    await writeFile(leaseOf('run-1'), '{"owner": "half a wr');
    expect((await store.lease('run-1', 'engine-a'))?.owner).toBe('engine-a');
  });

  it('clears a claim left by a process that died while changing the lease', async () => {
    let now = 1_000_000;
    const store = new FileRunStore({ cwd, now: () => now });
    await store.lease('run-1', 'crashed', { ttlMs: 10 });
    const { token } = JSON.parse(await readFile(leaseOf('run-1'), 'utf8')) as { token: string };
    const claim = `${leaseOf('run-1')}.${token}.claim`;
    await writeFile(
      claim,
      JSON.stringify({ pid: await deadPid(), host: hostname(), at: Date.now() }),
    );
    now += 11;
    expect((await store.lease('run-1', 'engine-b'))?.owner).toBe('engine-b');
    expect(existsSync(claim)).toBe(false);
  });

  it('respects a claim held by a live process', async () => {
    let now = 1_000_000;
    const store = new FileRunStore({ cwd, now: () => now });
    await store.lease('run-1', 'slow', { ttlMs: 10 });
    const { token } = JSON.parse(await readFile(leaseOf('run-1'), 'utf8')) as { token: string };
    const claim = `${leaseOf('run-1')}.${token}.claim`;
    await writeFile(claim, JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() }));
    now += 11;
    expect(await store.lease('run-1', 'engine-b')).toBeUndefined();
    expect((await stat(claim)).isFile()).toBe(true);
  });
});

describe('FileRunStore and a process killed mid-run', () => {
  const built = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/runs/FileRunStore.js');

  it('reads cleanly after SIGKILL, and the next process takes the run over', async () => {
    if (!existsSync(built))
      throw new Error(
        `${built} is missing: build first (pnpm --filter @tta-dev/workflows... build)`,
      );
    const script = join(cwd, 'appender.mjs');
    await writeFile(
      script,
      `import { FileRunStore } from ${JSON.stringify(pathToFileURL(built).href)};
const store = new FileRunStore({ cwd: process.argv[2] });
const lease = await store.lease('run-1', 'child', { ttlMs: 3_600_000 });
if (lease === undefined) process.exit(3);
await store.append('run-1', { type: 'run_started', workflow: 'w', inputs: {}, personas: ['backend'] });
await store.append('run-1', { type: 'stage_started', stage: 'build', persona: 'backend' });
for (let i = 1; ; i++) {
  await store.append('run-1', { type: 'step_started', stage: 'build', step: 's' + i, kind: 'run', attempt: 1 });
  await store.append('run-1', { type: 'step_succeeded', stage: 'build', step: 's' + i,
    output: { stdout: 'x'.repeat(3000), i }, durationMs: 1, automated: true });
  await store.sync('run-1');
  if (i === 25) process.stdout.write('ready\\n');
}
`,
    );
    const child = spawn(process.execPath, [script, cwd], { stdio: ['ignore', 'pipe', 'inherit'] });
    await waitForLine(child, 'ready');
    child.kill('SIGKILL');
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });

    const store = new FileRunStore({ cwd });
    const events = await store.read('run-1');
    expect(events.length).toBeGreaterThanOrEqual(2 + 2 * 25);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]?.type).toBe('run_started');
    // Killed between an append and its summary or not, the run is listed as its log folds.
    expect(await store.list()).toEqual([{ ...summarizeRun(events), status: 'interrupted' }]);
    const lease = await store.lease('run-1', 'resumer'); // the child's pid is gone
    expect(lease?.owner).toBe('resumer');
    const next = await store.append('run-1', { type: 'run_cancelled', reason: 'test over' });
    expect(next.seq).toBe(events.length + 1);
    expect(await new FileRunStore({ cwd }).read('run-1')).toHaveLength(events.length + 1);
  }, 300_000);
});

describe('FileRunStore appends from many processes at once', () => {
  const built = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/runs/FileRunStore.js');

  it('orders them: every event lands once, with seq 1…n and no gap', async () => {
    if (!existsSync(built))
      throw new Error(
        `${built} is missing: build first (pnpm --filter @tta-dev/workflows... build)`,
      );
    await new FileRunStore({ cwd }).append('run-1', started);
    const script = join(cwd, 'noter.mjs');
    await writeFile(
      script,
      `import { FileRunStore } from ${JSON.stringify(pathToFileURL(built).href)};
const store = new FileRunStore({ cwd: process.argv[2] });
for (let i = 0; i < 20; i++)
  await store.append('run-1', { type: 'learning', text: process.argv[3] + '-' + i, by: 'me' });
`,
    );
    const children = Array.from({ length: 8 }, (_, n) =>
      spawn(process.execPath, [script, cwd, `p${n}`], { stdio: ['ignore', 'ignore', 'inherit'] }),
    );
    const codes = await Promise.all(children.map(async (c) => (await once(c, 'exit'))[0]));
    expect(codes).toEqual(Array(8).fill(0));
    const events = await new FileRunStore({ cwd }).read('run-1');
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 161 }, (_, i) => i + 1));
    const texts = events.flatMap((e) => (e.type === 'learning' ? [e.text] : []));
    expect(new Set(texts).size).toBe(160);
    // However their summaries were written over one another, the listing is the fold's.
    expect(await new FileRunStore({ cwd }).list()).toEqual([
      { ...summarizeRun(events), status: 'interrupted' },
    ]);
    expect(existsSync(join(cwd, DEFAULT_RUNS_DIR, 'run-1', 'append.lock'))).toBe(false);
  }, 300_000);
});

function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.split('\n').includes(line)) resolvePromise();
    });
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before "${line}"`)));
  });
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await once(child, 'exit');
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}
