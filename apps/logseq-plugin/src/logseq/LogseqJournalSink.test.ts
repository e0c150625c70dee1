import {
  type JournalBlock,
  type RunJournal,
  runJournal,
  writeRunJournal,
} from '@tta-dev/workflows/journal';
import { describe, expect, it } from 'vitest';
import {
  SAMPLE_RUN_ID,
  sampleRunCompletion,
  sampleRunInputs,
  withEnvelopes,
} from '../runs/sampleRun.testkit.js';
import { InMemoryLogseq } from './InMemoryLogseq.testkit.js';
import { LogseqJournalSink } from './LogseqJournalSink.js';

const UTC = { timeZone: 'UTC' };
const suspended = () => runJournal(withEnvelopes(SAMPLE_RUN_ID, sampleRunInputs()), UTC);
const finished = () =>
  runJournal(withEnvelopes(SAMPLE_RUN_ID, [...sampleRunInputs(), ...sampleRunCompletion()]), UTC);

function uuidsOf(blocks: readonly JournalBlock[]): string[] {
  return blocks.flatMap((b) => [b.uuid, ...uuidsOf(b.children)]);
}

/** Every block the journal gives, by page (the journal entry under its day's page). */
function expectedUuids(journal: RunJournal): Map<string, string[]> {
  return new Map(journal.pages.map((p) => [p.name, uuidsOf(p.blocks)]));
}

describe.each(['file', 'db'] as const)('LogseqJournalSink in a %s graph', (kind) => {
  it('writes every page with its blocks under their stable uuids, in the model’s order', async () => {
    const logseq = new InMemoryLogseq(kind);
    const journal = suspended();
    await writeRunJournal(journal, new LogseqJournalSink(logseq));

    for (const [name, uuids] of expectedUuids(journal)) {
      const written = logseq.blocksOf(name).map((b) => b.uuid);
      // A file graph keeps the page's properties in a first block of its own.
      expect(written.filter((u) => !(kind === 'file' && u === written[0]))).toEqual(uuids);
    }
    expect(logseq.blocksOf('Nov 25th, 2026').map((b) => b.uuid)).toEqual([
      journal.journalEntry.block.uuid,
    ]);
    const run = journal.pages[0]!;
    expect(logseq.outline(run.name)).toContain('**package-release** waiting for a step');
  });

  it('writes the same run twice without duplicating a block', async () => {
    const logseq = new InMemoryLogseq(kind);
    const journal = suspended();
    await writeRunJournal(journal, new LogseqJournalSink(logseq));
    const first = new Map(journal.pages.map((p) => [p.name, logseq.outline(p.name)]));
    const count = logseq.blocks.size;

    // Another sink: nothing remembered, so every block is looked up and updated in place.
    await writeRunJournal(journal, new LogseqJournalSink(logseq));
    await writeRunJournal(suspended(), new LogseqJournalSink(logseq));

    expect(logseq.blocks.size).toBe(count);
    for (const page of journal.pages) expect(logseq.outline(page.name)).toBe(first.get(page.name));
    expect(logseq.blocksOf('Nov 25th, 2026')).toHaveLength(1);
  });

  it('updates the run’s blocks as it goes on, removes the ones it no longer has, keeps a person’s', async () => {
    const logseq = new InMemoryLogseq(kind);
    const sink = new LogseqJournalSink(logseq);
    await writeRunJournal(suspended(), sink);
    const stagePage = suspended().pages.find((p) => p.name.endsWith('/verify'))!.name;
    const steps = logseq.blocksOf(stagePage).find((b) => b.content.startsWith('Steps'))!;
    await logseq.Editor.insertBlock(steps.uuid, 'my own note on the tests', { sibling: true });
    const instructions = logseq
      .blocksOf(stagePage)
      .filter((b) => b.content.startsWith('Write the release notes'));
    expect(instructions).toHaveLength(1);

    const journal = finished();
    await writeRunJournal(journal, sink);

    const outline = logseq.outline(stagePage);
    expect(outline).toContain('**release-notes** completed by logseq');
    expect(outline).toContain('adds `retry()`');
    expect(outline).not.toContain('Write the release notes');
    expect(logseq.blocks.has(instructions[0]!.uuid)).toBe(false);
    expect(outline).toContain('my own note on the tests');
    for (const [name, uuids] of expectedUuids(journal)) {
      const written = new Set(logseq.blocksOf(name).map((b) => b.uuid));
      for (const uuid of uuids) expect(written.has(uuid)).toBe(true);
    }
    expect(logseq.outline(journal.pages[0]!.name)).toContain('**package-release** completed');
  });
});

describe('LogseqJournalSink page properties', () => {
  it('puts a file graph’s page properties in the first block, as `key:: value` lines', async () => {
    const logseq = new InMemoryLogseq('file');
    const journal = suspended();
    await writeRunJournal(journal, new LogseqJournalSink(logseq));
    const run = journal.pages[0]!;

    expect(logseq.pageProperties(run.name)).toMatchObject({
      tags: '[[tta-run]]',
      workflow: 'package-release',
      'run-id': SAMPLE_RUN_ID,
      status: 'suspended',
      personas: '[[tta-backend-engineer]], [[tta-testing-specialist]]',
    });
    const page = await logseq.Editor.getPage(run.name);
    expect(page?.properties?.runId).toBe(SAMPLE_RUN_ID);
    // Block properties and the stable id are lines of the block's text.
    const gate = logseq
      .blocksOf(journal.pages[2]!.name)
      .find((b) => b.content.startsWith('**coverage**'))!;
    expect(gate.content.split('\n')).toEqual([
      '**coverage** passed: coverage 87% ≥ 80%',
      'gate:: coverage',
      'result:: passed',
      'coverage:: 87',
      `id:: ${gate.uuid}`,
    ]);
  });

  it('updates a file graph’s page properties in place when the run is written again', async () => {
    const logseq = new InMemoryLogseq('file');
    await writeRunJournal(suspended(), new LogseqJournalSink(logseq));
    const journal = finished();
    await writeRunJournal(journal, new LogseqJournalSink(logseq));
    const run = journal.pages[0]!.name;
    expect(logseq.pageProperties(run)).toMatchObject({ status: 'completed', automation: '67%' });
    const preBlocks = logseq.blocksOf(run).filter((b) => b.content.startsWith('tags::'));
    expect(preBlocks).toHaveLength(1);
  });

  it('adds a properties block at the top of a page a person made before the run wrote it', async () => {
    const logseq = new InMemoryLogseq('file');
    const journal = suspended();
    const run = journal.pages[0]!.name;
    await logseq.Editor.createPage(run, {}, { redirect: false, createFirstBlock: false });
    await logseq.Editor.insertBlock(run, 'notes before the run', {});

    await writeRunJournal(journal, new LogseqJournalSink(logseq));

    const blocks = logseq.blocksOf(run);
    expect(blocks[0]!.content).toMatch(/^tags:: \[\[tta-run\]\]\n/);
    expect(blocks[1]!.content).toBe('notes before the run');
    expect(logseq.pageProperties(run)['run-id']).toBe(SAMPLE_RUN_ID);
  });

  it('keeps a DB graph’s page properties on the page, lists as many values', async () => {
    const logseq = new InMemoryLogseq('db');
    await writeRunJournal(suspended(), new LogseqJournalSink(logseq));
    const journal = finished();
    await writeRunJournal(journal, new LogseqJournalSink(logseq));
    const ns = ':plugin.property.logseq-plugin-tta';

    expect(logseq.pageProperties(journal.pages[0]!.name)).toMatchObject({
      [`${ns}/run-id`]: SAMPLE_RUN_ID,
      [`${ns}/status`]: 'completed',
      [`${ns}/personas`]: ['tta-backend-engineer', 'tta-testing-specialist'],
    });
    expect(logseq.tagsOf(journal.pages[0]!.name)).toEqual(['tta-run']);
    expect(logseq.tagsOf(journal.pages[1]!.name)).toEqual(['tta-stage']);
    expect(logseq.pageProperties(journal.pages[0]!.name)[`${ns}/tags`]).toBeUndefined();
    const gate = logseq
      .blocksOf(journal.pages[2]!.name)
      .find((b) => b.content.startsWith('**coverage**'))!;
    expect(gate.content).toBe('**coverage** passed: coverage 87% ≥ 80%');
    expect(Object.fromEntries(gate.properties)).toEqual({
      [`${ns}/gate`]: 'coverage',
      [`${ns}/result`]: 'passed',
      [`${ns}/coverage`]: '87',
    });
  });
});

describe('LogseqJournalSink errors', () => {
  it('names the page it could not write', async () => {
    const logseq = new InMemoryLogseq('file');
    logseq.Editor.createPage = async () => null;
    await expect(writeRunJournal(suspended(), new LogseqJournalSink(logseq))).rejects.toThrow(
      /writing the Logseq page "TTA\/Runs\/package-release\/2026-11-25 .*" failed: Logseq did not create the page/,
    );
  });
});
