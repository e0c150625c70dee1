import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  dayOf,
  type JournalBlock,
  type JournalPage,
  type RunJournal,
  runJournal,
  writeRunJournal,
} from '@tta-dev/workflows/journal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EmulatedBlock, type EmulatedLogseq, emulateLogseq } from './emulated/index.js';
import { reparseLogseqFile } from './emulated/reparseLogseqFile.js';
import { journalRun } from './journalRun.testkit.js';
import { LogseqApiSink, type LogseqCall } from './LogseqApiSink.js';
import { LogseqError } from './LogseqError.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'tta-api-sink-'));
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

/** The host's API as the plugin's `callOf` gives it to the writer. */
function callOf(host: EmulatedLogseq): LogseqCall {
  return async (method, ...args) => {
    try {
      return await host.call(method, args);
    } catch (error) {
      if (/Not existed method/.test((error as Error).message))
        throw new LogseqError('method', (error as Error).message, { cause: error });
      throw error;
    }
  };
}

/** A finished run of the mini release, in the machine's time zone (the journal day's). */
async function finishedRun(inputs: Record<string, unknown> = {}, runId = 'run-1') {
  const run = await journalRun(cwd, runId);
  await run.start(inputs);
  return runJournal(await run.finish());
}

const allBlocks = (blocks: readonly JournalBlock[]): JournalBlock[] =>
  blocks.flatMap((b) => [b, ...allBlocks(b.children)]);
const uuidsOf = (blocks: readonly EmulatedBlock[]): string[] =>
  blocks.flatMap((b) => [b.uuid, ...uuidsOf(b.children)]);
const ownBlocks = (blocks: readonly EmulatedBlock[]) => blocks.filter((b) => b.preBlock !== true);

/** The page a writer made for a model page: by uuid in a DB graph, by name in a file graph. */
const pageOf = (host: EmulatedLogseq, page: JournalPage) =>
  host.kind === 'db' ? page.uuid : page.name;

describe.each(['0.10.15', '2.0.1'] as const)('LogseqApiSink in Logseq %s', (version) => {
  it('writes every page complete, and the journal line on the run’s day', async () => {
    const host = emulateLogseq(version);
    const journal = await finishedRun();
    await writeRunJournal(journal, new LogseqApiSink(callOf(host)));

    for (const page of journal.pages)
      expect(uuidsOf(ownBlocks(host.outline(pageOf(host, page))))).toEqual(
        allBlocks(page.blocks).map((b) => b.uuid),
      );
    const day = host
      .pages()
      .find((p) => p.journalDay === Number(journal.journalEntry.date.replaceAll('-', '')));
    expect(day, `a journal page of ${journal.journalEntry.date}`).toBeDefined();
    expect(uuidsOf(host.outline(day!.uuid))).toEqual([journal.journalEntry.block.uuid]);
    expect(host.messages()).toEqual([]);
  });

  it('writes a run again, and another run, without duplicating or mixing a block', async () => {
    const host = emulateLogseq(version);
    const first = await finishedRun();
    await writeRunJournal(first, new LogseqApiSink(callOf(host)));
    await writeRunJournal(first, new LogseqApiSink(callOf(host)));
    const second = await finishedRun({}, 'run-2');
    await writeRunJournal(second, new LogseqApiSink(callOf(host)));

    for (const journal of [first, second])
      for (const page of journal.pages)
        expect(uuidsOf(ownBlocks(host.outline(pageOf(host, page))))).toEqual(
          allBlocks(page.blocks).map((b) => b.uuid),
        );
  });

  it('never lets an input named like a Logseq property act on a block', async () => {
    const host = emulateLogseq(version);
    const run = await journalRun(cwd, 'run-keys');
    await run.start({});
    // Inputs a workflow may well have: named like Logseq's own properties.
    const events = (await run.finish()).map((e) =>
      e.type === 'run_started'
        ? { ...e, inputs: { ...e.inputs, id: 'abc', collapsed: true, template: 'x', title: 'T' } }
        : e,
    );
    const journal = runJournal(events);
    await writeRunJournal(journal, new LogseqApiSink(callOf(host)));
    const written = host.outline(pageOf(host, journal.pages[0]!));
    const all = (blocks: readonly EmulatedBlock[]): EmulatedBlock[] =>
      blocks.flatMap((b) => [b, ...all(b.children)]);
    expect(all(written).some((b) => b.collapsed)).toBe(false);
    expect(uuidsOf(ownBlocks(written))).toEqual(
      allBlocks(journal.pages[0]!.blocks).map((b) => b.uuid),
    );
    // A file graph's blocks carry their own uuid as `id::`, and only that.
    for (const block of all(written))
      if ('id' in block.properties) expect(block.properties.id!.value).toBe(block.uuid);
    const keys = all(written).flatMap((b) => Object.keys(b.properties));
    for (const reserved of ['collapsed', 'template', 'title'])
      expect(keys.filter((k) => k === reserved || k.endsWith(`/${reserved}`))).toEqual([]);
    expect(keys.some((k) => k === 'input-collapsed' || k.endsWith('/input-collapsed'))).toBe(true);
  });
});

describe('LogseqApiSink in Logseq 0.10.15 (file graphs)', () => {
  it('falls back from createJournalPage, which 0.10.15 lacks, to the page named by the date format', async () => {
    const host = emulateLogseq('0.10.15', { preferredDateFormat: 'yyyy/MM/dd' });
    const journal = await finishedRun();
    await writeRunJournal(journal, new LogseqApiSink(callOf(host)));
    const name = journal.journalEntry.date.replaceAll('-', '/');
    expect(host.outline(name).map((b) => b.uuid)).toEqual([journal.journalEntry.block.uuid]);
  });

  it('writes text that Logseq reads back from the file as the same blocks, each with its id', async () => {
    const host = emulateLogseq('0.10.15');
    const journal = await finishedRun();
    const sink = new LogseqApiSink(callOf(host));
    await writeRunJournal(journal, sink);
    const withLines: JournalPage = {
      name: 'TTA/Multi-line',
      uuid: journal.pages[0]!.uuid.replace(/.{4}$/, 'ffff'),
      properties: {},
      blocks: [
        {
          uuid: journal.pages[0]!.blocks[0]!.uuid.replace(/.{4}$/, 'fffe'),
          content: '#decision Ship it\n- because the tests pass\n# and nothing else\nkey:: value',
          properties: { by: 'alice' },
          children: [],
        },
      ],
    };
    await sink.writePage(withLines, journal);

    for (const page of [...journal.pages, withLines]) {
      const seen = reparseLogseqFile(host.file(page.name));
      const ids = (blocks: typeof seen.blocks): (string | null)[] =>
        blocks.flatMap((b) => [b.uuid, ...ids(b.children)]);
      expect(
        ids(seen.blocks).filter((id) => id !== null),
        page.name,
      ).toEqual(allBlocks(page.blocks).map((b) => b.uuid));
      expect(ids(seen.blocks)).not.toContain(null);
    }
  });
});

describe('LogseqApiSink in Logseq 2.0.1 (DB graphs)', () => {
  it('addresses run pages by uuid: namespaced names become parents, leaves are every run’s', async () => {
    const host = emulateLogseq('2.0.1');
    const journal = await finishedRun();
    await writeRunJournal(journal, new LogseqApiSink(callOf(host)));
    const pages = new Map(host.pages().map((p) => [p.uuid, p]));
    const [runPage, prepare] = journal.pages as [JournalPage, JournalPage];
    expect(pages.get(runPage.uuid)).toMatchObject({ title: runPage.name.split('/').at(-1) });
    expect(pages.get(prepare.uuid)).toMatchObject({ title: 'prepare', parent: runPage.uuid });
    expect(pages.get(runPage.uuid)!.tags).toContain('tta-run');
  });

  it('links the run’s pages by uuid, so a link finds its page and not another run’s', async () => {
    const host = emulateLogseq('2.0.1');
    const journal = await finishedRun();
    await writeRunJournal(journal, new LogseqApiSink(callOf(host)));
    const [runPage, prepare] = journal.pages as [JournalPage, JournalPage];
    const stages = host.outline(runPage.uuid).find((b) => b.text === 'Stages')!;
    expect(stages.children[0]!.text).toContain(`[[${prepare.uuid}]]`);
  });

  it('writes numbers as numbers, 0 included, without linking an unrelated entity', async () => {
    const host = emulateLogseq('2.0.1');
    const journal = await finishedRun();
    const sink = new LogseqApiSink(callOf(host));
    await writeRunJournal(journal, sink);
    const page: JournalPage = {
      ...journal.pages[0]!,
      properties: { ...journal.pages[0]!.properties, tokens: 0 },
    };
    await sink.writePage(page, journal);
    const entity = host.pages().find((p) => p.uuid === page.uuid)!;
    const tokens = Object.entries(entity.properties).find(([key]) => key.endsWith('/tokens'));
    expect(tokens?.[1]).toMatchObject({ value: 0, type: 'number' });
    // Every small integer is some entity's id: 7 must be the number 7.
    await sink.writePage({ ...page, properties: { ...page.properties, tokens: 7 } }, journal);
    const again = host.pages().find((p) => p.uuid === page.uuid)!;
    expect(
      Object.entries(again.properties).find(([key]) => key.endsWith('/tokens'))?.[1],
    ).toMatchObject({ value: 7, type: 'number' });
  });

  it('writes an unchanged run again without a new value block (each text value is one)', async () => {
    const host = emulateLogseq('2.0.1');
    const journal = await finishedRun();
    await writeRunJournal(journal, new LogseqApiSink(callOf(host)));
    const valueBlocks = async () => {
      let count = 0;
      const visit = (blocks: readonly Record<string, unknown>[]) => {
        for (const b of blocks) {
          if (':logseq.property/created-from-property' in b) count++;
          visit((b.children ?? []) as Record<string, unknown>[]);
        }
      };
      for (const page of journal.pages)
        visit(
          (await host.call('Editor.getPageBlocksTree', [page.uuid])) as Record<string, unknown>[],
        );
      return count;
    };
    const before = await valueBlocks();
    expect(before).toBeGreaterThan(0);
    await writeRunJournal(journal, new LogseqApiSink(callOf(host)));
    expect(await valueBlocks()).toBe(before);
  });

  it('puts the journal line on the run’s local day, whatever the time zone', async () => {
    const host = emulateLogseq('2.0.1');
    const journal = await finishedRun();
    await writeRunJournal(journal, new LogseqApiSink(callOf(host)));
    const day = Number(dayOf(new Date().toISOString()).replaceAll('-', ''));
    const page = host.pages().find((p) => p.journalDay !== undefined)!;
    expect(page.journalDay).toBe(Number(journal.journalEntry.date.replaceAll('-', '')));
    // The run started moments ago: its day is today's, here.
    expect([day, day - 1]).toContain(page.journalDay);
  });
});

describe('LogseqApiSink errors', () => {
  it('names the page it could not write', async () => {
    const host = emulateLogseq('2.0.1');
    const journal: RunJournal = await finishedRun();
    const failing: LogseqCall = async (method, ...args) => {
      if (method === 'Editor.insertBlock') throw new Error('the graph is read-only');
      return callOf(host)(method, ...args);
    };
    await expect(writeRunJournal(journal, new LogseqApiSink(failing))).rejects.toThrow(
      `writing the Logseq page "${journal.pages[0]!.name}" failed: the graph is read-only`,
    );
  });
});
