import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type JournalBlock,
  type JournalPage,
  type RunJournal,
  runJournal,
  writeRunJournal,
} from '@tta-dev/workflows/journal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journalRun } from './journalRun.testkit.js';
import { isLogseqError } from './LogseqError.js';
import { LogseqFileGraph, resolveGraphDir } from './LogseqFileGraph.js';
import { type SeenBlock, seePage } from './mldocPage.testkit.js';

let dir: string;
let graph: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-logseq-'));
  graph = join(dir, 'graph');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const read = (file: string) => readFile(join(graph, file), 'utf8');
const journalOf = (events: Parameters<typeof runJournal>[0]) =>
  runJournal(events, { timeZone: 'UTC' });

/** The model's block tree as mldoc should see it: ids, properties, children. */
const shape = (blocks: JournalBlock[]): unknown[] =>
  blocks.map((b) => ({ id: b.uuid, properties: b.properties, children: shape(b.children) }));
const seenShape = (blocks: SeenBlock[]): unknown[] =>
  blocks.map(({ properties: { id, ...properties }, children }) => ({
    id,
    properties,
    children: seenShape(children),
  }));
const allSeen = (blocks: SeenBlock[]): SeenBlock[] =>
  blocks.flatMap((b) => [b, ...allSeen(b.children)]);
const find = (blocks: SeenBlock[], start: string) =>
  allSeen(blocks).find((b) => b.title.startsWith(start));

async function finishedRun(): Promise<RunJournal> {
  const run = await journalRun(dir);
  await run.start();
  return journalOf(await run.finish());
}

describe('LogseqFileGraph', () => {
  it('writes every page of a run as Logseq reads it: file names, titles, properties, ids, tags, links', async () => {
    const journal = await finishedRun();
    const sink = new LogseqFileGraph(graph);
    await writeRunJournal(journal, sink);

    expect(await read('logseq/config.edn')).toContain(':file/name-format :triple-lowbar');
    const runPage = journal.pages[0]!;
    const date = journal.journalEntry.date;
    expect(await sink.pageFile(runPage.name)).toBe(
      join('pages', `TTA___Runs___mini-release___${date} run-1.md`),
    );
    expect(await sink.pageFile(`${runPage.name}/Release notes v1.2.3`)).toBe(
      join('pages', `TTA___Runs___mini-release___${date} run-1___Release notes v1.2.3.md`),
    );

    for (const page of journal.pages) {
      const seen = seePage(await read(await sink.pageFile(page.name)));
      expect(seen.properties.title, page.name).toBe(page.name);
      expect(seenShape(seen.blocks), page.name).toEqual(shape(page.blocks));
    }

    const run = seePage(await read(await sink.pageFile(runPage.name)));
    expect(run.properties).toMatchObject({
      tags: 'tta-run',
      workflow: 'mini-release',
      'run-id': 'run-1',
      status: 'completed',
      automation: '83%',
      gates: '1 passed, 0 failed',
    });
    expect(run.propertyRefs.personas).toEqual([
      'tta-backend-engineer',
      'tta-testing-specialist',
      'tta-devops-engineer',
    ]);
    expect(find(run.blocks, 'Stages')!.children.flatMap((b) => b.refs)).toEqual([
      `${runPage.name}/prepare`,
      'tta-backend-engineer',
      `${runPage.name}/verify`,
      'tta-testing-specialist',
      `${runPage.name}/ship`,
      'tta-devops-engineer',
    ]);

    const prepare = seePage(await read(await sink.pageFile(`${runPage.name}/prepare`)));
    expect(prepare.propertyRefs.run).toEqual([runPage.name]);
    const decision = find(prepare.blocks, '#decision')!;
    expect(decision.tags).toEqual(['decision']);
    expect(decision.title).toBe('#decision Release v1.2.3: a minor');
    expect(decision.properties.by).toBe('workflow');

    const verify = seePage(await read(await sink.pageFile(`${runPage.name}/verify`)));
    expect(find(verify.blocks, 'coverage-ok passed')?.properties).toMatchObject({
      gate: 'coverage-ok',
      result: 'passed',
      value: '86.4',
      min: '80',
    });

    const notes = seePage(await read(await sink.pageFile(`${runPage.name}/Release notes v1.2.3`)));
    expect(notes.blocks.map((b) => [b.heading, b.title])).toEqual([
      [2, 'Added'],
      [2, 'Notes'],
    ]);
    const [faster, announce] = notes.blocks[0]!.children;
    expect(faster!.refs).toEqual(['Build cache']);
    expect(announce).toMatchObject({ marker: 'TODO', tags: ['announce'] });
    // Neither the property-looking line nor the code's "- " and "#" lines became anything else.
    const body = notes.blocks[1]!.children;
    expect(body).toHaveLength(2);
    expect(Object.keys(body[0]!.properties)).toEqual(['id']);
    expect(body[1]!.body).toContain('- not a block');
    expect(body[1]!.body).toContain('# not a heading');

    const day = seePage(await read(`journals/${date.replace(/-/g, '_')}.md`));
    expect(day.properties).toEqual({});
    expect(day.blocks).toHaveLength(1);
    expect(day.blocks[0]!.properties.id).toBe(journal.journalEntry.block.uuid);
    expect(day.blocks[0]!.refs).toEqual([runPage.name]);
  });

  it('changes nothing when the same run is written twice, and updates blocks in place as the run goes on', async () => {
    const run = await journalRun(dir);
    const early = journalOf(await run.start());
    const sink = new LogseqFileGraph(graph);
    await writeRunJournal(early, sink);
    const files = [...sink.written];
    expect(files).toHaveLength(early.pages.length + 1);
    const before = await Promise.all(files.map(read));

    const again = new LogseqFileGraph(graph);
    await writeRunJournal(journalOf(await run.store.read('run-1')), again);
    expect(again.written).toEqual([]);
    expect(await Promise.all(files.map(read))).toEqual(before);

    const late = journalOf(await run.finish());
    await writeRunJournal(late, new LogseqFileGraph(graph));
    for (const page of late.pages) {
      const text = await read(await sink.pageFile(page.name));
      const ids = [...text.matchAll(/id:: (\S+)/g)].map((m) => m[1]);
      expect(new Set(ids).size, page.name).toBe(ids.length);
      expect(seenShape(seePage(text).blocks), page.name).toEqual(shape(page.blocks));
    }
    const ship = seePage(await read(await sink.pageFile(`${late.pages[0]!.name}/ship`)));
    const notes = find(ship.blocks, 'notes')!;
    expect(notes.title).toBe('notes completed by alice');
    expect(allSeen(notes.children).map((b) => b.title)).not.toContain(
      'Write the notes for v1.2.3.',
    );
    const day = await read(await sink.journalFile(late.journalEntry.date));
    expect(day.match(/id:: /g)).toHaveLength(1);
    expect(seePage(day).blocks[0]!.title).toContain('completed');
  });

  it('keeps what a person wrote on the pages and on the journal day', async () => {
    const run = await journalRun(dir);
    const early = journalOf(await run.start());
    const sink = new LogseqFileGraph(graph);
    await writeRunJournal(early, sink);

    const shipFile = await sink.pageFile(`${early.pages[0]!.name}/ship`);
    const ship = await read(shipFile);
    const lines = ship.split('\n');
    // A page property, a block at the top, a block after the Steps block, a comment under the step.
    const steps = lines.findIndex((l) => l.startsWith('- Steps'));
    const notesStep = lines.findIndex((l) => l.startsWith('\t- **notes**'));
    const edited = [
      ...lines.slice(0, 1),
      'reviewed:: [[Bob]]',
      ...lines.slice(1, steps),
      '- Read this first',
      ...lines.slice(steps, notesStep + 4),
      '\t\t- Bob: the notes need the migration guide',
      ...lines.slice(notesStep + 4),
    ];
    const stepsAt = edited.indexOf('- Steps');
    const afterSteps = edited.findIndex((l, k) => k > stepsAt && l.startsWith('- '));
    edited.splice(afterSteps === -1 ? edited.length : afterSteps, 0, '- After the steps, by hand');
    await writeFile(join(graph, shipFile), edited.join('\n'));

    const dayFile = await sink.journalFile(early.journalEntry.date);
    await writeFile(
      join(graph, dayFile),
      `- Standup: ship the release\n${await read(dayFile)}- Lunch\n\t- with the team\n`,
    );

    const late = journalOf(await run.finish());
    await writeRunJournal(late, sink);

    const seen = seePage(await read(shipFile));
    expect(seen.properties.reviewed).toBe('[[Bob]]');
    expect(seen.properties.status).toBe('completed');
    expect(seen.blocks.map((b) => b.title)).toEqual([
      'Read this first',
      'Steps',
      'After the steps, by hand',
      '#learning Coverage was 86.4%',
    ]);
    const notes = find(seen.blocks, 'notes')!;
    expect(notes.title).toBe('notes completed by alice');
    expect(notes.children.map((b) => b.title)).toContain('Bob: the notes need the migration guide');

    const day = seePage(await read(dayFile));
    expect(day.blocks.map((b) => b.title)).toEqual([
      'Standup: ship the release',
      expect.stringContaining('mini-release completed'),
      'Lunch',
    ]);
    expect(day.blocks[2]!.children.map((b) => b.title)).toEqual(['with the team']);
  });

  it('adds a second run to the journal day beside the first, even when both write at once', async () => {
    const first = journalOf(await (await journalRun(dir, 'run-a')).start());
    const second = journalOf(await (await journalRun(dir, 'run-b')).start());
    await Promise.all([
      writeRunJournal(first, new LogseqFileGraph(graph)),
      writeRunJournal(second, new LogseqFileGraph(graph)),
      writeRunJournal(first, new LogseqFileGraph(graph)),
    ]);
    const day = seePage(
      await read(await new LogseqFileGraph(graph).journalFile(first.journalEntry.date)),
    );
    expect(day.blocks.map((b) => b.properties.id).sort()).toEqual(
      [first.journalEntry.block.uuid, second.journalEntry.block.uuid].sort(),
    );
  });

  it('names files as the graph’s config.edn says: pages and journals folders, journal file format, legacy names', async () => {
    await mkdir(join(graph, 'logseq'), { recursive: true });
    await writeFile(
      join(graph, 'logseq', 'config.edn'),
      [
        '{:meta/version 1',
        ' ;; :journal/file-name-format "yyyy_MM_dd"',
        ' :journal/file-name-format "yyyy-MM-dd" ; ISO days',
        ' :journal/page-title-format "MMM do, yyyy"',
        ' :hidden ["a;b"]',
        ' :pages-directory "notes"',
        ' :journals-directory "days"}',
      ].join('\n'),
    );
    const page: JournalPage = {
      name: 'TTA/Runs/x: y?',
      uuid: '0192f0c1-aaaa-8bbb-8ccc-000000000001',
      properties: { tags: ['a', 'b'] },
      blocks: [],
    };
    const sink = new LogseqFileGraph(graph);
    await sink.writePage(page);
    await sink.addToJournal('2026-11-05', {
      uuid: '6f1c0e7a-1111-8111-8111-111111111111',
      content: 'x',
      properties: {},
      children: [],
    });
    // No :file/name-format: the legacy format, which percent-encodes "/" too.
    expect(sink.written).toEqual([
      join('notes', 'TTA%2FRuns%2Fx%3A y%3F.md'),
      join('days', '2026-11-05.md'),
    ]);
    expect(seePage(await read(sink.written[0]!)).properties).toEqual({
      title: 'TTA/Runs/x: y?',
      tags: 'a, b',
    });
  });

  it('refuses a config.edn key of the wrong kind, naming the file and line', async () => {
    await mkdir(join(graph, 'logseq'), { recursive: true });
    await writeFile(
      join(graph, 'logseq', 'config.edn'),
      '{:meta/version 1\n :file/name-format :triple-lowbar\n :journal/file-name-format yyyy}\n',
    );
    const error = await new LogseqFileGraph(graph).journalFile('2026-11-05').catch((e) => e);
    expect(isLogseqError(error) && error.reason).toBe('config');
    expect(error.message).toBe(
      `${join(graph, 'logseq', 'config.edn')}:3: :journal/file-name-format must be a non-empty string, e.g. "yyyy_MM_dd"; it is yyyy`,
    );
  });

  it('finds its graph: --graph, else LOGSEQ_GRAPH_PATH, else .tta/logseq', () => {
    expect(resolveGraphDir('/p', 'g', { LOGSEQ_GRAPH_PATH: '/e' })).toBe('/p/g');
    expect(resolveGraphDir('/p', undefined, { LOGSEQ_GRAPH_PATH: '/e' })).toBe('/e');
    expect(resolveGraphDir('/p', undefined, {})).toBe('/p/.tta/logseq');
  });
});
