import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ChangeWaiter } from './_ChangeWaiter.js';

let root: string;
let waiters: ChangeWaiter[];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-waiter-'));
  waiters = [];
});
afterEach(async () => {
  vi.useRealTimers();
  for (const waiter of waiters) waiter.close();
  await rm(root, { recursive: true, force: true });
});

const waiterOn = (dir: string, watch = true) => {
  const waiter = new ChangeWaiter(dir, { pollMs: 60_000, watch });
  waiters.push(waiter);
  return waiter;
};
/** Timers are faked from here on, so that a poll shows as a pending timer, never fires. */
const fakeTimers = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

it('sets no timer while fs.watch watches: it wakes at the change alone', async () => {
  const waiter = waiterOn(root);
  fakeTimers();
  const waiting = waiter.wait();
  expect(vi.getTimerCount()).toBe(0);
  await writeFile(join(root, 'events.jsonl'), '{}\n');
  await waiting;
});

it('polls when told not to watch', async () => {
  const waiter = waiterOn(root, false);
  fakeTimers();
  const waiting = waiter.wait();
  expect(vi.getTimerCount()).toBe(1);
  vi.advanceTimersByTime(60_000);
  await waiting;
});

it('polls for a folder that does not exist yet, then watches it', async () => {
  const dir = join(root, 'run-1');
  const waiter = waiterOn(dir);
  fakeTimers();
  const polling = waiter.wait();
  expect(vi.getTimerCount()).toBe(1);
  await mkdir(dir);
  vi.advanceTimersByTime(60_000);
  await polling;
  await waiter.wait(); // the watch begins late: what happened before it counts as a change
  const watching = waiter.wait();
  expect(vi.getTimerCount()).toBe(0);
  await writeFile(join(dir, 'events.jsonl'), '{}\n');
  await watching;
});

it('notices its folder removed, polls, and watches the one made in its place', async () => {
  const dir = join(root, 'runs');
  await mkdir(dir);
  const waiter = waiterOn(dir);
  const removed = waiter.wait();
  await rm(dir, { recursive: true });
  await removed;
  fakeTimers();
  const polling = waiter.wait();
  expect(vi.getTimerCount()).toBe(1);
  await mkdir(dir);
  vi.advanceTimersByTime(60_000);
  await polling;
  await waiter.wait();
  const watching = waiter.wait();
  expect(vi.getTimerCount()).toBe(0);
  await mkdir(join(dir, 'run-1'));
  await watching;
});
