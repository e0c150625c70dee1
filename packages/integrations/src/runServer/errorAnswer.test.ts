import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileRunStore, RunBusyError, RunNotFoundError } from '@tta-dev/workflows';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorAnswer } from './errorAnswer.js';
import { HttpError } from './HttpError.js';
import { type RunServer, startRunServer } from './startRunServer.js';

describe('errorAnswer', () => {
  it.each([
    [new RunNotFoundError('r'), 404],
    [new RunBusyError('r'), 409],
    [new HttpError(413, 'too large'), 413],
    [Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 500],
  ])('answers %s with %i, by its code', (error, status) => {
    expect(errorAnswer(error)).toMatchObject({ status, unexpected: false });
  });

  it('answers a bug with 500, to be logged with its stack', () => {
    expect(errorAnswer(new TypeError('x is undefined'))).toMatchObject({
      status: 500,
      unexpected: true,
    });
  });
});

describe('the run server, on a run whose log is corrupt', () => {
  let cwd: string;
  let server: RunServer | undefined;
  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'tta-run-server-'));
  });
  afterEach(async () => {
    await server?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  it('answers 500 with the file and line in one line, and logs no stack', async () => {
    const store = new FileRunStore({ cwd });
    await store.append('r1', { type: 'run_started', workflow: 'w', inputs: {}, personas: [] });
    await store.append('r1', { type: 'learning', text: 'one', by: 'me' });
    await store.append('r1', { type: 'learning', text: 'two', by: 'me' });
    const file = store.eventsFile('r1');
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[1] = '{"seq": 2, "type": ';
    await writeFile(file, lines.join('\n'));
    const logged: string[] = [];
    server = await startRunServer({
      store: new FileRunStore({ cwd }),
      version: '1',
      log: (_level, message) => logged.push(message),
    });
    const response = await fetch(`${server.url}/api/runs/r1`);
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: string; code: string };
    expect(body.code).toBe('TTA_RUN_LOG_CORRUPT');
    expect(body.error).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `),
    );
    expect(logged).toEqual([`GET /api/runs/r1 failed: ${body.error}`]);
  });
});
