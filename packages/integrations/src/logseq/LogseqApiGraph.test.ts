import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type JournalBlock,
  type RunJournal,
  runJournal,
  writeRunJournal,
} from '@tta-dev/workflows/journal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journalRun } from './journalRun.testkit.js';
import { LogseqApi } from './LogseqApi.js';
import { LogseqApiGraph } from './LogseqApiGraph.js';
import { isLogseqError, type LogseqError } from './LogseqError.js';
import { type FakeBlock, type FakeLogseq, startFakeLogseq } from './logseqServer.testkit.js';

let dir: string;
let server: FakeLogseq | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-logseq-api-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

const TOKEN = 'secret-token';
const journalOf = (events: Parameters<typeof runJournal>[0]) =>
  runJournal(events, { timeZone: 'UTC' });
const shape = (blocks: JournalBlock[]): unknown[] =>
  blocks.map((b) => ({ uuid: b.uuid, children: shape(b.children) }));
const fakeShape = (blocks: FakeBlock[]): unknown[] =>
  blocks.filter((b) => !b.preBlock).map((b) => ({ uuid: b.uuid, children: fakeShape(b.children) }));
const writes = (s: FakeLogseq) =>
  // Reads, and createJournalPage (which Logseq 0.10 lacks, or which finds the day's page).
  s.calls.filter((c) => !/get_|check_|configs|create_journal_page/.test(c.resolved));

async function finished(): Promise<{ early: RunJournal; late: RunJournal }> {
  const run = await journalRun(dir);
  const early = journalOf(await run.start());
  const late = journalOf(await run.finish());
  return { early, late };
}

describe('LogseqApiGraph on a file-based Logseq', () => {
  it('writes the pages and the journal block through logseq.Editor methods, with the token', async () => {
    server = await startFakeLogseq({ mode: 'file', tokens: [TOKEN] });
    const { late } = await finished();
    const sink = new LogseqApiGraph({ url: server.url, token: TOKEN });
    await writeRunJournal(late, sink);

    expect(await sink.graphKind()).toBe('file');
    for (const call of server.calls) {
      expect(call.sent).toMatch(/^logseq\.(Editor|App)\.[a-z][A-Za-z]+$/);
      expect(call.authorization).toBe(`Bearer ${TOKEN}`);
    }
    for (const page of late.pages) {
      const stored = server.page(page.name)!;
      expect(stored.originalName).toBe(page.name);
      expect(fakeShape(stored.blocks), page.name).toEqual(shape(page.blocks));
    }
    // Page properties: the first block, of properties only, as Logseq writes them in files.
    const runPage = server.page(late.pages[0]!.name)!;
    expect(runPage.blocks[0]).toMatchObject({
      preBlock: true,
      properties: {
        tags: 'tta-run',
        workflow: 'mini-release',
        status: 'completed',
        personas: '[[tta-backend-engineer]], [[tta-testing-specialist]], [[tta-devops-engineer]]',
      },
    });
    // Block properties, and the id:: that keeps a file graph's block uuid.
    const prepare = server.page(`${late.pages[0]!.name}/prepare`)!;
    const version = prepare.blocks[1]!.children[0]!;
    expect(version.content).toMatch(/^\*\*version\*\* succeeded in /);
    expect(version.properties).toMatchObject({
      id: version.uuid,
      step: 'version',
      outcome: 'succeeded',
    });
    // No createJournalPage in Logseq 0.10: the journal page is named by the user's date format.
    const [y, m, d] = late.journalEntry.date.split('-').map(Number);
    const months = [
      'Jan',
      'Feb',
      'Mar',
      'Apr',
      'May',
      'Jun',
      'Jul',
      'Aug',
      'Sep',
      'Oct',
      'Nov',
      'Dec',
    ];
    const suffix =
      d! % 10 === 1 && d !== 11
        ? 'st'
        : d! % 10 === 2 && d !== 12
          ? 'nd'
          : d! % 10 === 3 && d !== 13
            ? 'rd'
            : 'th';
    const day = server.page(`${months[m! - 1]} ${d}${suffix}, ${y}`)!;
    expect(day.journal).toBe(true);
    expect(day.blocks.map((b) => b.uuid)).toEqual([late.journalEntry.block.uuid]);
    expect(server.calls.map((c) => c.resolved)).toContain('get_user_configs');
  });

  it('sends nothing but reads when the run is written again, and updates in place as it goes on', async () => {
    server = await startFakeLogseq({ mode: 'file' });
    const run = await journalRun(dir);
    const early = journalOf(await run.start());
    await writeRunJournal(early, new LogseqApiGraph({ url: server.url }));
    const ship = server.page(`${early.pages[0]!.name}/ship`)!;
    // A person's block on the page, and one on the journal day.
    ship.blocks.push({
      uuid: crypto.randomUUID(),
      content: 'A person’s note',
      properties: {},
      children: [],
    });

    server.calls.length = 0;
    await writeRunJournal(early, new LogseqApiGraph({ url: server.url }));
    expect(writes(server)).toEqual([]);

    const late = journalOf(await run.finish());
    await writeRunJournal(late, new LogseqApiGraph({ url: server.url }));
    for (const page of late.pages.slice(1, 4))
      expect(
        fakeShape(server.page(page.name)!.blocks.filter((b) => b.content !== 'A person’s note')),
        page.name,
      ).toEqual(shape(page.blocks));
    const shipNow = server.page(`${early.pages[0]!.name}/ship`)!;
    expect(shipNow.blocks.map((b) => b.content)).toContain('A person’s note');
    const notes = shipNow.blocks.find((b) => b.content === 'Steps')!.children[0]!;
    expect(notes.content).toBe('**notes** completed by alice');
    // The waiting step's instructions block was the run's and is gone; nothing was duplicated.
    expect(server.calls.filter((c) => c.resolved === 'remove_block')).toHaveLength(1);
    const uuids = [...server.pages.values()].flatMap((p) => all(p.blocks).map((b) => b.uuid));
    expect(new Set(uuids).size).toBe(uuids.length);
  });
});

describe('LogseqApiGraph on a DB-based Logseq', () => {
  it('uses createJournalPage, tags with addBlockTag, properties with upsertBlockProperty', async () => {
    server = await startFakeLogseq({ mode: 'db', tokens: [TOKEN] });
    const { late } = await finished();
    const sink = new LogseqApiGraph({ url: server.url, token: TOKEN });
    await writeRunJournal(late, sink);

    expect(await sink.graphKind()).toBe('db');
    expect(new Set(server.calls.map((c) => c.resolved.split('@')[0]))).toEqual(
      new Set(['app', 'editor']),
    );
    const runPage = server.page(late.pages[0]!.name)!;
    expect(runPage.tags).toEqual(['tta-run']);
    expect(runPage.properties).toMatchObject({ workflow: 'mini-release', status: 'completed' });
    expect(runPage.blocks.some((b) => b.preBlock)).toBe(false);
    for (const page of late.pages)
      expect(fakeShape(server.page(page.name)!.blocks), page.name).toEqual(shape(page.blocks));
    const inserts = server.calls.filter((c) => c.resolved === 'editor@insert_block');
    expect(inserts.every((c) => !('properties' in (c.args[2] as object)))).toBe(true);
    const decision = all(server.page(`${late.pages[0]!.name}/prepare`)!.blocks).find((b) =>
      b.content.startsWith('#decision'),
    )!;
    expect(decision.properties).toEqual({ by: 'workflow' });
    expect(server.page(`journal ${late.journalEntry.date}`)!.blocks[0]!.uuid).toBe(
      late.journalEntry.block.uuid,
    );

    server.calls.length = 0;
    await writeRunJournal(late, new LogseqApiGraph({ url: server.url, token: TOKEN }));
    expect(
      writes(server).filter((c) => !/create_journal_page|add_block_tag/.test(c.resolved)),
    ).toEqual([]);
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
    server = await startFakeLogseq({ mode: 'file', tokens: [TOKEN] });
    const missing = await failure(new LogseqApi({ url: server.url, env: {} }));
    expect(missing.reason).toBe('unauthorized');
    expect(missing.message).toContain('wants a token: set LOGSEQ_API_TOKEN');
    const wrong = await failure(
      new LogseqApi({ url: server.url, env: { LOGSEQ_API_TOKEN: 'nope' } }),
    );
    expect(wrong.reason).toBe('unauthorized');
    expect(wrong.message).toContain('refused the token (401 Access Denied!)');
    expect(server.calls).toEqual([]);
  });

  it.each(['file', 'db'] as const)(
    'names a method the %s-based Logseq lacks, and a refused call',
    async (mode) => {
      server = await startFakeLogseq({ mode });
      const api = new LogseqApi({ url: server.url, env: {} });
      const unknown = await failure(api, 'logseq.Editor.noSuchMethod');
      expect(unknown.reason).toBe('method');
      expect(unknown.message).toContain(
        `has no API method logseq.Editor.noSuchMethod (MethodNotExist: ${mode === 'db' ? 'editor@' : ''}no_such_method)`,
      );
      const refused = await failure(api, 'logseq.Editor.removeBlock', 'not-a-uuid');
      expect(refused.reason).toBe('failed');
      expect(refused.message).toContain('refused logseq.Editor.removeBlock: bad arguments');
      const missing = await failure(api, '');
      expect(missing.message).toContain(':method of body is missing!');
    },
  );

  it('takes LOGSEQ_API_URL and LOGSEQ_API_TOKEN from the environment', async () => {
    server = await startFakeLogseq({ mode: 'file', tokens: [TOKEN] });
    const api = new LogseqApi({ env: { LOGSEQ_API_URL: server.url, LOGSEQ_API_TOKEN: TOKEN } });
    expect(await api.call('logseq.Editor.getPage', 'nothing')).toBeNull();
    expect(new LogseqApi({ env: {} }).url).toBe('http://127.0.0.1:12315');
  });
});

function all(blocks: FakeBlock[]): FakeBlock[] {
  return blocks.flatMap((b) => [b, ...all(b.children)]);
}
