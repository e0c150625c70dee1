import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type JournalBlock,
  type JournalPage,
  runJournal,
  uuidLinks,
  writeRunJournal,
} from '@tta-dev/workflows/journal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EmulatedBlock, emulateLogseq } from './emulated/index.js';
import { journalRun } from './journalRun.testkit.js';
import { LogseqApiSink } from './LogseqApiSink.js';
import { LogseqFileGraph } from './LogseqFileGraph.js';
import { type SeenBlock, type SeenPage, seePage } from './mldocPage.testkit.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-writers-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function journal() {
  const run = await journalRun(dir);
  await run.start();
  return runJournal(await run.finish());
}

/** What Logseq reads from a page, as the model would say it: properties, and blocks by id. */
function modelOf(seen: SeenPage) {
  const { title: _title, ...properties } = seen.properties;
  const blocks = (list: readonly SeenBlock[]): unknown[] =>
    list.map(({ properties: { id, ...rest }, title, children }) => ({
      id,
      title,
      properties: rest,
      children: blocks(children),
    }));
  return { properties, blocks: blocks(seen.blocks) };
}

describe('every writer yields the same pages', () => {
  it('in a file graph: the file writer and the plugin API (Logseq 0.10.15) write files Logseq reads alike', async () => {
    const run = await journal();
    const files = new LogseqFileGraph(join(dir, 'graph'));
    await writeRunJournal(run, files);
    const host = emulateLogseq('0.10.15');
    await writeRunJournal(run, new LogseqApiSink((m, ...a) => host.call(m, a)));

    for (const page of run.pages) {
      const byFile = seePage(
        await readFile(join(dir, 'graph', await files.pageFile(page.name)), 'utf8'),
      );
      const byApi = seePage(host.file(page.name));
      expect(modelOf(byApi), page.name).toEqual(modelOf(byFile));
      expect(host.pages().find((p) => p.name === page.name.toLowerCase())?.title).toBe(
        byFile.properties.title,
      );
    }
  });

  it('in a DB graph (Logseq 2.0.1): each page holds the model’s blocks, text and properties', async () => {
    const run = await journal();
    const host = emulateLogseq('2.0.1');
    await writeRunJournal(run, new LogseqApiSink((m, ...a) => host.call(m, a)));
    const links = uuidLinks(run);
    const ident = (key: string) => `plugin.property.logseq-plugin-tta/${key}`;
    const expected = (blocks: readonly JournalBlock[]): unknown[] =>
      blocks.map((b) => ({
        uuid: b.uuid,
        text: links(b.content),
        properties: Object.fromEntries(
          Object.entries(b.properties)
            .filter(([key]) => !key.startsWith('logseq.'))
            .map(([key, value]) => [ident(key), value]),
        ),
        children: expected(b.children),
      }));
    const actual = (blocks: readonly EmulatedBlock[]): unknown[] =>
      blocks.map((b) => ({
        uuid: b.uuid,
        text: b.text,
        properties: Object.fromEntries(
          Object.entries(b.properties).map(([key, p]) => [key, String(p.value)]),
        ),
        children: actual(b.children),
      }));
    for (const page of run.pages as JournalPage[]) {
      expect(actual(host.outline(page.uuid)), page.name).toEqual(expected(page.blocks));
      const entity = host.pages().find((p) => p.uuid === page.uuid)!;
      expect(entity.title).toBe(page.name.split('/').at(-1));
      for (const [key, value] of Object.entries(page.properties)) {
        if (key === 'tags') expect(entity.tags).toEqual(expect.arrayContaining(value as string[]));
        else
          expect(entity.properties[ident(key)]?.value, `${page.name} ${key}`).toEqual(
            typeof value === 'string' ? links(value) : value,
          );
      }
    }
  });
});
