import {
  appendFile,
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  rename,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunSummaries } from './_RunSummaries.js';
import { readSummaryFile, SUMMARY_FILE } from './_summaryFile.js';
import { EVENTS_FILE, FileRunStore } from './FileRunStore.js';
import type { RunEventInput } from './RunEvent.js';
import { summarizeRun } from './RunSummary.js';

const started: RunEventInput = {
  type: 'run_started',
  workflow: 'package-release',
  inputs: {},
  personas: ['backend'],
};
const stage: RunEventInput = { type: 'stage_started', stage: 'build', persona: 'backend' };
const suspended: RunEventInput = {
  type: 'step_suspended',
  stage: 'build',
  step: 'notes',
  instructions: 'Write the release notes',
  expected: 'Markdown',
};
const stepStarted: RunEventInput = {
  type: 'step_started',
  stage: 'build',
  step: 'compile',
  kind: 'run',
  attempt: 1,
};
const stepSucceeded: RunEventInput = {
  type: 'step_succeeded',
  stage: 'build',
  step: 'compile',
  output: { exitCode: 0 },
  durationMs: 3,
  automated: true,
};
const completed: RunEventInput = {
  type: 'run_completed',
  durationMs: 5,
  metrics: { automationRatio: 1 },
};

let cwd: string;
let store: FileRunStore;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'tta-summaries-'));
  store = new FileRunStore({ cwd });
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

const dirOf = (runId: string) => join(store.root, runId);
const logOf = (runId: string) => join(dirOf(runId), EVENTS_FILE);
const summaryFileOf = (runId: string) => join(dirOf(runId), SUMMARY_FILE);
/** What a process that has not seen the run yet lists, and how many logs it had to fold. */
async function listedAfresh(runId: string) {
  const reader = new RunSummaries();
  const summary = await reader.summaryOf(runId, dirOf(runId), logOf(runId));
  return { summary, rebuilds: reader.rebuilds };
}
/** A summary line changed under a checksum made for it: only its content can be refused. */
function resealed(line: string): string {
  const json = line.slice(line.indexOf(' ') + 1).trimEnd();
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}
const folded = async (runId: string) => summarizeRun(await new FileRunStore({ cwd }).read(runId));

describe('RunSummaries', () => {
  it('keeps a summary beside the log at every append, and lists the run from it alone', async () => {
    await store.append('run-1', started);
    await store.append('run-1', stage);
    expect(readSummaryFile(dirOf('run-1'), 'run-1')?.summary).toEqual(await folded('run-1'));
    await store.append('run-1', suspended);
    const fresh = await listedAfresh('run-1');
    expect(fresh).toEqual({ summary: await folded('run-1'), rebuilds: 0 });
    expect(fresh.summary).toMatchObject({ status: 'suspended', events: 3, stage: 'build' });
  });

  it("writes a step's progress with the run's next other event, and lists it meanwhile all the same", async () => {
    await store.append('run-1', started);
    await store.append('run-1', stage);
    const atStage = await readFile(summaryFileOf('run-1'));
    await store.append('run-1', stepStarted);
    await store.append('run-1', stepSucceeded);
    // The file is not written for the step: a step costs the bytes of its events alone.
    expect((await readFile(summaryFileOf('run-1'))).equals(atStage)).toBe(true);
    // This store lists the run from memory; another process folds the log (a drive mid-stage).
    expect(await store.summary('run-1')).toMatchObject({ events: 4, status: 'interrupted' });
    expect(await listedAfresh('run-1')).toEqual({ summary: await folded('run-1'), rebuilds: 1 });
    await store.append('run-1', completed);
    expect(await listedAfresh('run-1')).toEqual({ summary: await folded('run-1'), rebuilds: 0 });
  });

  it('folds the log of a run that has no summary (written by an older version), then writes it', async () => {
    await store.append('run-1', started);
    await store.append('run-1', stage);
    await rm(summaryFileOf('run-1'));
    expect(await listedAfresh('run-1')).toEqual({ summary: await folded('run-1'), rebuilds: 1 });
    expect(await listedAfresh('run-1')).toEqual({ summary: await folded('run-1'), rebuilds: 0 });
  });

  it('never trusts a summary older than its log (a crash between the append and the summary)', async () => {
    await store.append('run-1', started);
    await store.append('run-1', stage);
    await store.append('run-1', suspended);
    const before = await readFile(summaryFileOf('run-1'));
    await store.append('run-1', completed);
    await writeFile(summaryFileOf('run-1'), before); // the summary of the append is lost
    const fresh = await listedAfresh('run-1');
    expect(fresh).toEqual({ summary: await folded('run-1'), rebuilds: 1 });
    expect(fresh.summary).toMatchObject({ status: 'completed', events: 4 });
  });

  it('folds the log when an event was appended by hand (an older version, another tool)', async () => {
    await store.append('run-1', started);
    const event = { seq: 2, time: new Date().toISOString(), runId: 'run-1', ...completed };
    await appendFile(logOf('run-1'), `${JSON.stringify(event)}\n`);
    const fresh = await listedAfresh('run-1');
    expect(fresh.summary).toMatchObject({ status: 'completed', events: 2 });
    expect(fresh.rebuilds).toBe(1);
  });

  it.each<[string, (line: string) => string]>([
    ['empty', () => ''],
    ['torn in half', (line) => line.slice(0, Math.floor(line.length / 2))],
    ['without its newline', (line) => line.trimEnd()],
    ['damaged under its checksum', (line) => line.replace('"suspended"', '"completed"')],
    ['not an object under a matching checksum', () => 'cbf43926 123456789\n'],
    ['of another run', (line) => resealed(line.replaceAll('"run-1"', '"run-2"'))],
    ['of a later version', (line) => resealed(line.replace('{"v":1,', '{"v":2,'))],
    ['of a status no fold gives', (line) => resealed(line.replace('suspended', 'interrupted'))],
    ['of another shape', () => resealed('{"v":1,"log":{},"summary":{}}')],
    ['garbage', () => '\u0000\u0000\u0000\u0000'],
  ])('folds the log when the summary is %s', async (_what, damage) => {
    await store.append('run-1', started);
    await store.append('run-1', stage);
    await store.append('run-1', suspended);
    await writeFile(summaryFileOf('run-1'), damage(await readFile(summaryFileOf('run-1'), 'utf8')));
    expect(await listedAfresh('run-1')).toEqual({ summary: await folded('run-1'), rebuilds: 1 });
  });

  it('folds the log when it was replaced, even by one of the same size and time', async () => {
    await store.append('run-1', started);
    await store.append('run-1', stage);
    const { atime, mtime } = await stat(logOf('run-1'));
    // The same bytes, a new time: the stamp no longer matches.
    await utimes(logOf('run-1'), atime, new Date(mtime.getTime() + 5_000));
    expect((await listedAfresh('run-1')).rebuilds).toBe(1);
    expect((await listedAfresh('run-1')).rebuilds).toBe(0);
    // A copy put in its place: same size and time, another file.
    const { mtime: now } = await stat(logOf('run-1'));
    await copyFile(logOf('run-1'), `${logOf('run-1')}.copy`);
    await utimes(`${logOf('run-1')}.copy`, atime, now);
    await rename(`${logOf('run-1')}.copy`, logOf('run-1'));
    expect(await listedAfresh('run-1')).toEqual({ summary: await folded('run-1'), rebuilds: 1 });
  });

  it('keeps the summary right when two stores (two processes) append to one run in turn', async () => {
    const other = new FileRunStore({ cwd });
    await store.append('run-1', started);
    await other.append('run-1', stage);
    await store.append('run-1', suspended);
    await other.append('run-1', { type: 'learning', text: 'x', by: 'me' });
    expect(await listedAfresh('run-1')).toEqual({ summary: await folded('run-1'), rebuilds: 0 });
  });

  it('writes no summary for an event when the log has grown past it (another process appended)', async () => {
    const summaries = new RunSummaries();
    const first = await store.append('run-1', started);
    const size = (await stat(logOf('run-1'))).size;
    const next = { seq: 2, time: new Date().toISOString(), runId: 'run-1', ...completed };
    await appendFile(logOf('run-1'), `${JSON.stringify(next)}\n`);
    // This fold ends at seq 1, the log at seq 2: stamping it with the log's size would be a lie.
    summaries.appended('run-1', dirOf('run-1'), logOf('run-1'), first, size);
    expect(readSummaryFile(dirOf('run-1'), 'run-1')?.log.size).toBe(size);
    expect((await listedAfresh('run-1')).summary).toMatchObject({ status: 'completed', events: 2 });
  });

  it('keeps every summary right while appending to more runs than it keeps folds of', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `run-${i}`);
    for (const id of ids) await store.append(id, started);
    for (const id of ids) await store.append(id, stage);
    for (const id of ids.slice(0, 20)) await store.append(id, suspended);
    for (const id of ids) expect((await listedAfresh(id)).summary).toEqual(await folded(id));
  });

  it('reads a run through the store, then appends to it, with the summary right', async () => {
    await store.append('run-1', started);
    await store.append('run-1', stage);
    const resumer = new FileRunStore({ cwd }); // a resume in a new process reads first
    expect(await resumer.read('run-1')).toHaveLength(2);
    await resumer.append('run-1', suspended);
    expect(await listedAfresh('run-1')).toEqual({ summary: await folded('run-1'), rebuilds: 0 });
  });

  it('lists a run whose summary cannot be written (a read-only copy) from its log, every time', async () => {
    await store.append('run-1', started);
    await rm(summaryFileOf('run-1'));
    // A folder in place of the file: neither readable as a summary nor writable.
    await mkdir(summaryFileOf('run-1'));
    expect(await listedAfresh('run-1')).toEqual({ summary: await folded('run-1'), rebuilds: 1 });
    await store.append('run-1', stage); // the append succeeds all the same
    expect(await listedAfresh('run-1')).toEqual({ summary: await folded('run-1'), rebuilds: 1 });
  });

  it('says nothing of a run without events, and throws what reading a broken log throws', async () => {
    expect((await listedAfresh('nothing')).summary).toBeUndefined();
    await store.append('run-1', started);
    await appendFile(logOf('run-1'), '{"seq": 5, "type": "nonsense"}\n');
    await expect(listedAfresh('run-1')).rejects.toThrow(/events\.jsonl:2: not a valid run event/);
  });
});
