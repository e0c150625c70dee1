import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JournalBlock, runJournal, writeRunJournal } from '@tta-dev/workflows/journal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type EmulatedBlock,
  type EmulatedLogseq,
  emulateLogseq,
  type LogseqVersion,
} from './emulated/index.js';
import { type ServedLogseqApi, serveLogseqApi } from './emulated/node.js';
import { journalRun } from './journalRun.testkit.js';
import { LogseqApi } from './LogseqApi.js';
import { LogseqApiGraph } from './LogseqApiGraph.js';
import { isLogseqError, type LogseqError } from './LogseqError.js';

let dir: string;
let server: ServedLogseqApi | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-logseq-api-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

const TOKEN = 'secret-token';

async function serve(version: LogseqVersion, tokens?: string[]): Promise<EmulatedLogseq> {
  const host = emulateLogseq(version);
  server = await serveLogseqApi(host, tokens === undefined ? {} : { tokens });
  return host;
}

const uuids = (blocks: readonly JournalBlock[]): string[] =>
  blocks.flatMap((b) => [b.uuid, ...uuids(b.children)]);
const written = (blocks: readonly EmulatedBlock[]): string[] =>
  blocks.filter((b) => b.preBlock !== true).flatMap((b) => [b.uuid, ...written(b.children)]);
/** Calls that change the graph (not reads, not the questions a writer asks first). */
const writes = (s: ServedLogseqApi) =>
  s.calls.filter((c) => !/\.(get|check)[A-Z]|createJournalPage|getUserConfigs/.test(c.method));

async function finished() {
  const run = await journalRun(dir);
  const early = runJournal(await run.start());
  const late = runJournal(await run.finish());
  return { early, late };
}

describe.each(['0.10.15', '2.0.1'] as const)('LogseqApiGraph on Logseq %s', (version) => {
  it('writes the pages and the journal line over HTTP, with the token', async () => {
    const host = await serve(version, [TOKEN]);
    const { late } = await finished();
    const graph = new LogseqApiGraph({ url: server!.url, token: TOKEN, env: {} });
    await writeRunJournal(late, graph);

    expect(await graph.graphKind()).toBe(version === '2.0.1' ? 'db' : 'file');
    for (const page of late.pages)
      expect(written(host.outline(version === '2.0.1' ? page.uuid : page.name))).toEqual(
        uuids(page.blocks),
      );
    const day = host.pages().find((p) => p.journalDay !== undefined)!;
    expect(day.journalDay).toBe(Number(late.journalEntry.date.replaceAll('-', '')));
    expect(written(host.outline(day.uuid))).toEqual([late.journalEntry.block.uuid]);
  });

  it('sends nothing but reads when the run is written again, and updates in place as it goes on', async () => {
    const host = await serve(version, [TOKEN]);
    const { early, late } = await finished();
    const graph = () => new LogseqApiGraph({ url: server!.url, token: TOKEN, env: {} });
    await writeRunJournal(early, graph());
    const first = writes(server!).length;
    expect(first).toBeGreaterThan(0);

    // Another writer: nothing remembered, the graph read back, nothing sent.
    await writeRunJournal(early, graph());
    if (version === '0.10.15') expect(writes(server!).length).toBe(first);

    await writeRunJournal(late, graph());
    for (const page of late.pages)
      expect(written(host.outline(version === '2.0.1' ? page.uuid : page.name))).toEqual(
        uuids(page.blocks),
      );
  });
});

describe('LogseqApi errors', () => {
  const failure = async (api: LogseqApi, method = 'logseq.Editor.getPage', ...args: unknown[]) => {
    const error = await api.call(method, ...args).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isLogseqError(error), String(error)).toBe(true);
    return error as LogseqError;
  };

  it('says when no server listens', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const error = await failure(new LogseqApi({ url: `http://127.0.0.1:${port}`, env: {} }));
    expect(error.reason).toBe('unreachable');
    expect(error.message).toContain(`Logseq at http://127.0.0.1:${port}/api is unreachable`);
    expect(error.message).toContain('HTTP APIs server');
  });

  it('tells a missing token from a wrong one (401)', async () => {
    await serve('0.10.15', [TOKEN]);
    const missing = await failure(new LogseqApi({ url: server!.url, env: {} }));
    expect(missing.reason).toBe('unauthorized');
    expect(missing.message).toContain('wants a token: set LOGSEQ_API_TOKEN');
    const wrong = await failure(
      new LogseqApi({ url: server!.url, env: { LOGSEQ_API_TOKEN: 'nope' } }),
    );
    expect(wrong.reason).toBe('unauthorized');
    expect(wrong.message).toContain('refused the token (401 Access Denied!)');
    expect(server!.calls).toEqual([]);
  });

  it.each(['0.10.15', '2.0.1'] as const)(
    'names a method Logseq %s lacks, and a refused call',
    async (version) => {
      await serve(version, [TOKEN]);
      const api = new LogseqApi({ url: server!.url, token: TOKEN, env: {} });
      const unknown = await failure(api, 'logseq.Editor.noSuchMethod');
      expect(unknown.reason).toBe('method');
      expect(unknown.message).toContain('has no API method logseq.Editor.noSuchMethod');
      const [method, ...args] =
        version === '0.10.15'
          ? ['logseq.Editor.removeBlock', 'not-a-uuid']
          : ['logseq.Editor.createTag', 'a/b'];
      const refused = await failure(api, method, ...args);
      expect(refused.reason).toBe('failed');
      expect(refused.message).toContain(`refused ${method}`);
    },
  );

  it('talks to a Logseq with no token set (which still wants the header), and takes text answers', async () => {
    const host = await serve('2.0.1');
    const api = new LogseqApi({ url: server!.url, env: {} });
    expect(await api.call('logseq.App.checkCurrentIsDbGraph')).toBe(true);
    const page = (await api.call('logseq.Editor.createPage', 'Notes', {}, {})) as { uuid: string };
    const block = (await api.call('logseq.Editor.insertBlock', page.uuid, 'draft', {})) as {
      uuid: string;
    };
    host.edit(block.uuid, 'draft, edited');
    expect(await api.call('logseq.Editor.getEditingBlockContent')).toBe('draft, edited');
  });

  it('takes LOGSEQ_API_URL and LOGSEQ_API_TOKEN from the environment', async () => {
    await serve('0.10.15', [TOKEN]);
    const api = new LogseqApi({ env: { LOGSEQ_API_URL: server!.url, LOGSEQ_API_TOKEN: TOKEN } });
    expect(await api.call('logseq.Editor.getPage', 'nothing')).toBeNull();
    expect(new LogseqApi({ env: {} }).url).toBe('http://127.0.0.1:12315');
  });
});
