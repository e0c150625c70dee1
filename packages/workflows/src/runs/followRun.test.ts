import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChangeWaiter } from './_ChangeWaiter.js';
import { isInvalidRunIdError } from './errors/InvalidRunIdError.js';
import { isRunLogCorruptError } from './errors/RunLogCorruptError.js';
import { FileRunStore } from './FileRunStore.js';
import { followRun, watchRuns } from './followRun.js';
import type { RunEvent, RunEventInput } from './RunEvent.js';

const started: RunEventInput = {
  type: 'run_started',
  workflow: 'package-release',
  inputs: {},
  personas: ['backend'],
};
const note = (text: string): RunEventInput => ({ type: 'learning', text, by: 'test' });

let cwd: string;
let store: FileRunStore;
let stop: AbortController;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'tta-follow-'));
  store = new FileRunStore({ cwd });
  stop = new AbortController();
});
afterEach(async () => {
  stop.abort();
  await rm(cwd, { recursive: true, force: true });
});

/** The next `n` values of an iterator. */
async function take<T>(iterator: AsyncIterator<T>, n: number): Promise<T[]> {
  const values: T[] = [];
  while (values.length < n) {
    const next = await iterator.next();
    if (next.done) throw new Error(`the iteration ended after ${values.length} of ${n} values`);
    values.push(next.value);
  }
  return values;
}
const texts = (events: RunEvent[]) => events.map((e) => ('text' in e ? e.text : e.type));

describe('followRun', () => {
  it('yields the events after a seq, then each one appended by the same process', async () => {
    await store.append('run-1', started);
    await store.append('run-1', note('one'));
    await store.append('run-1', note('two'));
    const follow = followRun(store, 'run-1', { after: 1, signal: stop.signal });
    expect(texts(await take(follow, 2))).toEqual(['one', 'two']);
    const later = take(follow, 2);
    await store.append('run-1', note('three'));
    await store.append('run-1', note('four'));
    const events = await later;
    expect(texts(events)).toEqual(['three', 'four']);
    expect(events.map((e) => e.seq)).toEqual([4, 5]);
    expect(events).toEqual((await store.read('run-1')).slice(3));
  });

  it('yields only what is appended from now on with after: "end"', async () => {
    await store.append('run-1', started);
    await store.append('run-1', note('old'));
    // "From now on" is from when the follower has looked at the end and waits: append after.
    const wait = ChangeWaiter.prototype.wait;
    let waiting: () => void = () => undefined;
    const looked = new Promise<void>((resolve) => {
      waiting = resolve;
    });
    const spy = vi.spyOn(ChangeWaiter.prototype, 'wait').mockImplementation(function (
      this: ChangeWaiter,
    ) {
      waiting();
      return wait.call(this);
    });
    const follow = followRun(store, 'run-1', { after: 'end', signal: stop.signal });
    const next = follow.next();
    await looked;
    spy.mockRestore();
    await store.append('run-1', note('new'));
    expect((await next).value).toMatchObject({ seq: 3, text: 'new' });
  });

  it('waits for a run that does not exist yet, folder and all', async () => {
    const follow = followRun(store, 'run-later', { signal: stop.signal });
    const first = take(follow, 2);
    await store.append('run-later', started);
    await store.append('run-later', note('hello'));
    expect(texts(await first)).toEqual(['run_started', 'hello']);
  });

  it('sees appends by polling alone when fs.watch is off', async () => {
    await store.append('run-1', started);
    const follow = followRun(store, 'run-1', {
      after: 1,
      watch: false,
      pollMs: 20,
      signal: stop.signal,
    });
    const next = take(follow, 2);
    await store.append('run-1', note('a'));
    await store.append('run-1', note('b'));
    expect(texts(await next)).toEqual(['a', 'b']);
  });

  it('follows events appended by another process with its own FileRunStore', async () => {
    const built = resolve(
      dirname(fileURLToPath(import.meta.url)),
      '../../dist/runs/FileRunStore.js',
    );
    if (!existsSync(built))
      throw new Error(
        `${built} is missing: build first (cd packages/workflows && npx tsc -p tsconfig.build.json)`,
      );
    const script = join(cwd, 'appender.mjs');
    await writeFile(
      script,
      `import { FileRunStore } from ${JSON.stringify(pathToFileURL(built).href)};
const store = new FileRunStore({ cwd: process.argv[2] });
for (let i = 1; i <= 30; i++) {
  await store.append('run-1', { type: 'learning', text: 'from the child ' + i, by: 'child' });
  if (i % 10 === 0) await new Promise((r) => setTimeout(r, 20));
}
`,
    );
    await store.append('run-1', started);
    const follow = followRun(store, 'run-1', { after: 1, signal: stop.signal });
    const child = spawn(process.execPath, [script, cwd], { stdio: 'inherit' });
    const events = await take(follow, 30);
    expect(await once(child, 'exit')).toEqual([0, null]);
    expect(texts(events)).toEqual(Array.from({ length: 30 }, (_, i) => `from the child ${i + 1}`));
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
    // And this process appends after the other one, continuing the sequence.
    const next = follow.next();
    await store.append('run-1', note('back here'));
    expect((await next).value).toMatchObject({ seq: 32, text: 'back here' });
  });

  it('skips a torn line as a full read does, and takes a whole last line before its newline', async () => {
    await store.append('run-1', started);
    const file = store.eventsFile('run-1');
    const follow = followRun(store, 'run-1', { signal: stop.signal });
    expect(texts(await take(follow, 1))).toEqual(['run_started']);
    await appendFile(file, '{"seq":2,"time":"2026-01-01T00:0'); // a crash mid-write
    const afterTear = follow.next();
    // A new store reads the log afresh, sees the tear and starts the next event on a new line.
    await new FileRunStore({ cwd }).append('run-1', note('after the tear'));
    expect((await afterTear).value).toMatchObject({ seq: 2, text: 'after the tear' });

    const whole = {
      seq: 3,
      time: '2026-01-01T00:00:00.000Z',
      runId: 'run-1',
      type: 'learning',
      text: 'no newline yet',
      by: 'test',
    };
    const unterminated = follow.next();
    await appendFile(file, JSON.stringify(whole));
    expect((await unterminated).value).toEqual(whole);
    const next = follow.next();
    await new FileRunStore({ cwd }).append('run-1', note('next line'));
    expect((await next).value).toMatchObject({ seq: 4, text: 'next line' });
    expect(texts(await store.read('run-1'))).toEqual([
      'run_started',
      'after the tear',
      'no newline yet',
      'next line',
    ]);
  });

  it('throws RunLogCorruptError naming the file and line for a repeated seq', async () => {
    await store.append('run-1', started);
    await store.append('run-1', note('one'));
    const follow = followRun(store, 'run-1', { signal: stop.signal });
    await take(follow, 2);
    const failing = follow.next();
    const [, second] = (await readFile(store.eventsFile('run-1'), 'utf8')).split('\n');
    await appendFile(store.eventsFile('run-1'), `${second}\n`);
    const error = await failing.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRunLogCorruptError(error)).toBe(true);
    expect((error as Error).message).toContain(`${store.eventsFile('run-1')}:3: seq 2 comes again`);
  });

  it('passes over the events before "after" checking only their place, and yields the rest checked', async () => {
    await store.append('run-1', started);
    await store.append('run-1', note('seen'));
    await store.append('run-1', note('new'));
    const log = store.eventsFile('run-1');
    const lines = (await readFile(log, 'utf8')).split('\n');
    // A payload the schema refuses, at a seq the reader has seen already.
    await writeFile(
      log,
      [lines[0], lines[1]!.replace('"by":"test"', '"by":7'), ...lines.slice(2)].join('\n'),
    );
    const after = followRun(store, 'run-1', { after: 2, signal: stop.signal });
    expect(texts(await take(after, 1))).toEqual(['new']);
    const whole = followRun(store, 'run-1', { after: 0, signal: stop.signal });
    await expect(take(whole, 3)).rejects.toThrow(/events\.jsonl:2: not a valid run event \(by:/);
    // An event missing before "after" is still a broken log.
    await writeFile(log, [lines[0], ...lines.slice(2)].join('\n'));
    const gap = followRun(store, 'run-1', { after: 2, signal: stop.signal });
    await expect(take(gap, 1)).rejects.toThrow(/:2: seq jumps from 1 to 3/);
  });

  it('ends quietly when its signal aborts, even while waiting', async () => {
    await store.append('run-1', started);
    const follow = followRun(store, 'run-1', { after: 'end', signal: stop.signal });
    const waiting = follow.next();
    stop.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });

  it('refuses a bad run id and a bad "after"', async () => {
    const error = await followRun(store, '../etc')
      .next()
      .catch((e: unknown) => e);
    expect(isInvalidRunIdError(error)).toBe(true);
    await expect(followRun(store, 'run-1', { after: -1 }).next()).rejects.toThrow(
      'after must be a whole number ≥ 0 or "end", got -1',
    );
  });
});

describe('watchRuns', () => {
  it('names the runs there, then each new one as it is created', async () => {
    await store.append('run-b', started);
    await store.append('run-a', started);
    await mkdir(join(store.root, 'not a run id'));
    const watch = watchRuns(store, { signal: stop.signal });
    expect(await take(watch, 2)).toEqual([
      { runId: 'run-a', existed: true },
      { runId: 'run-b', existed: true },
    ]);
    const next = watch.next();
    await store.append('run-c', started);
    await store.append('run-a', note('not a new run'));
    expect((await next).value).toEqual({ runId: 'run-c', existed: false });
  });

  it('waits for the runs folder itself, and stops on abort', async () => {
    const watch = watchRuns(store, { signal: stop.signal, pollMs: 20 });
    const next = watch.next();
    await store.append('run-1', started);
    expect((await next).value).toEqual({ runId: 'run-1', existed: false });
    const waiting = watch.next();
    stop.abort();
    expect((await waiting).done).toBe(true);
  });
});
