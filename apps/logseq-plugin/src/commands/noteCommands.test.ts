import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '@tta-dev/workflows';
import { type RunJournal, runJournal, writeRunJournal } from '@tta-dev/workflows/journal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryLogseq } from '../logseq/InMemoryLogseq.testkit.js';
import { LogseqJournalSink } from '../logseq/LogseqJournalSink.js';
import { RunServerClient } from '../runs/RunServerClient.js';
import { type ServedRun, startServedRun, stopServedRun } from '../runs/realRun.testkit.js';
import { type NoteCommandDeps, type NoteContext, runNoteCommand } from './noteCommands.js';

let dir: string;
let served: ServedRun;
let client: RunServerClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-plugin-notes-'));
  served = await startServedRun(dir);
  client = new RunServerClient({ baseUrl: served.server.url, token: served.token });
});
afterAll(async () => {
  await stopServedRun(served);
  await rm(dir, { recursive: true, force: true });
});

const runId = () => served.started.runId;
const events = (): Promise<RunEvent[]> => served.store.read(runId());

/** A graph holding the run's pages, as auto-journal writes them. */
async function graphWithRun(
  kind: 'file' | 'db',
): Promise<{ logseq: InMemoryLogseq; journal: RunJournal }> {
  const logseq = new InMemoryLogseq(kind);
  const journal = runJournal(await events());
  await writeRunJournal(journal, new LogseqJournalSink(logseq));
  return { logseq, journal };
}

/** A block at the end of a page, being edited with `text` in its editor. */
async function editing(logseq: InMemoryLogseq, page: string, text: string): Promise<string> {
  const block = await logseq.Editor.insertBlock(page, '', {});
  logseq.editing = { uuid: block!.uuid, content: text };
  return block!.uuid;
}

function deps(logseq: InMemoryLogseq, selected?: NoteContext, via = client): NoteCommandDeps {
  return {
    logseq,
    addNote: (id, note) => via.addNote(id, note),
    runEvents: async (id) => (await via.getRun(id)).events,
    selectedRun: () => selected,
  };
}

describe('the note slash commands', () => {
  it('turn the edited block on a stage page into a #decision, recorded in the run with its stage', async () => {
    const { logseq, journal } = await graphWithRun('file');
    const stagePage = journal.pages.find((p) => p.name.endsWith('/verify'))!.name;
    const uuid = await editing(logseq, stagePage, 'Ship on Monday, after the docs');

    const note = await runNoteCommand('decision', uuid, deps(logseq));

    expect(note).toEqual({
      kind: 'decision',
      text: 'Ship on Monday, after the docs',
      stage: 'verify',
      by: 'logseq',
    });
    expect((await events()).at(-1)).toMatchObject({
      type: 'decision',
      text: 'Ship on Monday, after the docs',
      stage: 'verify',
      by: 'logseq',
    });
    // Editing was stopped first: the editor's text did not overwrite the note afterwards.
    expect(logseq.editing).toBeUndefined();
    expect(logseq.blocks.get(uuid)?.content).toBe(
      `#decision Ship on Monday, after the docs\nrun-id:: ${runId()}\nstage:: verify\nby:: logseq`,
    );
    expect(logseq.messages.at(-1)).toEqual({
      content: `TTA: decision recorded in run ${runId()}`,
      status: 'success',
    });
  });

  it('record a #learning from the run page of a DB graph, its properties on the block', async () => {
    const { logseq, journal } = await graphWithRun('db');
    const uuid = await editing(logseq, journal.pages[0]!.name, 'The coverage gate caught a gap');

    await runNoteCommand('learning', uuid, deps(logseq));

    expect((await events()).at(-1)).toMatchObject({
      type: 'learning',
      text: 'The coverage gate caught a gap',
      by: 'logseq',
    });
    expect((await events()).at(-1)).not.toHaveProperty('stage');
    const block = logseq.blocks.get(uuid)!;
    expect(block.content).toBe('#learning The coverage gate caught a gap');
    const ns = ':plugin.property.logseq-plugin-tta';
    expect(Object.fromEntries(block.properties)).toEqual({
      [`${ns}/run-id`]: runId(),
      [`${ns}/by`]: 'logseq',
    });
  });

  it('write a stage summary from the stage’s steps and gates when the block is empty', async () => {
    const { logseq, journal } = await graphWithRun('file');
    const uuid = await editing(
      logseq,
      journal.pages.find((p) => p.name.endsWith('/prepare'))!.name,
      '',
    );

    const note = await runNoteCommand('stage-summary', uuid, deps(logseq));

    const persona = (await events()).find((e) => e.type === 'stage_started')!;
    const summary = `prepare completed as ${persona.type === 'stage_started' ? persona.persona : ''}; steps: bump-version succeeded; gates: version-set passed (`;
    expect(note?.kind).toBe('learning');
    expect(note?.text.startsWith(`Summary of stage prepare: ${summary}`)).toBe(true);
    expect(logseq.blocks.get(uuid)?.content.startsWith(`#stage-summary ${summary}`)).toBe(true);
    expect((await events()).at(-1)).toMatchObject({ type: 'learning', stage: 'prepare' });
  });

  it('use the run selected in the panel for a block elsewhere, and keep the block’s own properties', async () => {
    const logseq = new InMemoryLogseq('file');
    const block = await logseq.Editor.insertBlock('Meeting notes', 'x', {
      customUUID: '6f1c2c1e-4f7a-4c55-9d7e-2b7d0b2c9a11',
    });
    logseq.editing = { uuid: block!.uuid, content: 'Keep the old API one more release' };

    await runNoteCommand(
      'decision',
      block!.uuid,
      deps(logseq, { runId: runId(), stage: 'verify' }),
    );

    expect(logseq.blocks.get(block!.uuid)?.content).toBe(
      `#decision Keep the old API one more release\nid:: 6f1c2c1e-4f7a-4c55-9d7e-2b7d0b2c9a11\nrun-id:: ${runId()}\nstage:: verify\nby:: logseq`,
    );
  });

  it('say what is missing, and change nothing, without a run, without text, or when the server refuses', async () => {
    const logseq = new InMemoryLogseq('file');
    const loose = await editing(logseq, 'Meeting notes', 'An idea');
    const before = (await events()).length;

    expect(await runNoteCommand('decision', loose, deps(logseq))).toBeUndefined();
    expect(logseq.messages.at(-1)?.content).toMatch(/open a run’s page, or select a run/);

    const { logseq: graph, journal } = await graphWithRun('file');
    const empty = await editing(graph, journal.pages[0]!.name, '   ');
    expect(await runNoteCommand('learning', empty, deps(graph))).toBeUndefined();
    expect(graph.messages.at(-1)).toEqual({
      content: 'TTA: write the learning in the block first, then run the command',
      status: 'warning',
    });

    const refusing = new RunServerClient({
      baseUrl: served.server.url,
      token: 'a-wrong-token-0000',
    });
    const typed = await editing(graph, journal.pages[0]!.name, 'Not recorded');
    expect(
      await runNoteCommand('decision', typed, deps(graph, undefined, refusing)),
    ).toBeUndefined();
    expect(graph.messages.at(-1)?.content).toMatch(
      /^TTA: the decision was not recorded: POST .*\/notes: 401 the token is wrong/,
    );
    expect(graph.blocks.get(typed)?.content).toBe('');
    expect(await events()).toHaveLength(before);
  });
});
