import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ILSPluginUser } from '@logseq/libs/dist/LSPlugin';
import { LogseqApiSink } from '@tta-dev/integrations/logseq';
import { type EmulatedLogseq, emulateLogseq } from '@tta-dev/integrations/testing/logseq';
import type { RunEvent } from '@tta-dev/workflows';
import { type RunJournal, runJournal, writeRunJournal } from '@tta-dev/workflows/journal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOf } from '../logseq/callOf.js';
import { fromLogseq } from '../logseq/fromLogseq.js';
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

type Version = '0.10.15' | '2.0.1';

/** A graph holding the run's pages, as auto-journal writes them. */
async function graphWithRun(
  version: Version,
): Promise<{ host: EmulatedLogseq; journal: RunJournal }> {
  const host = emulateLogseq(version);
  const journal = runJournal(await events());
  await writeRunJournal(journal, new LogseqApiSink(callOf(host.api)));
  return { host, journal };
}

/** A block at the end of a page (a name, or a DB graph's page uuid), being edited with `text`. */
async function editing(host: EmulatedLogseq, page: string, text: string): Promise<string> {
  const block = (await host.api.Editor.insertBlock(page, '', { focus: false })) as { uuid: string };
  host.edit(block.uuid, text);
  return block.uuid;
}

/** A block as the host keeps it, wherever it is. */
function blockOf(host: EmulatedLogseq, uuid: string) {
  type Block = ReturnType<EmulatedLogseq['outline']>[number];
  const find = (blocks: readonly Block[]): Block | undefined =>
    blocks.map((b) => (b.uuid === uuid ? b : find(b.children))).find((b) => b !== undefined);
  for (const page of host.pages()) {
    const found = find(host.outline(page.uuid));
    if (found !== undefined) return found;
  }
  throw new Error(`no block ${uuid}`);
}

function deps(host: EmulatedLogseq, selected?: NoteContext, via = client): NoteCommandDeps {
  return {
    logseq: fromLogseq(host.api as unknown as ILSPluginUser),
    addNote: (id, note) => via.addNote(id, note),
    runEvents: async (id) => (await via.getRun(id)).events,
    selectedRun: () => selected,
  };
}

describe('the note slash commands', () => {
  it('turn the edited block on a stage page into a #decision, recorded in the run with its stage', async () => {
    const { host, journal } = await graphWithRun('0.10.15');
    const stagePage = journal.pages.find((p) => p.name.endsWith('/verify'))!.name;
    const uuid = await editing(host, stagePage, 'Ship on Monday, after the docs');

    const note = await runNoteCommand('decision', uuid, deps(host));

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
    expect(await host.api.Editor.checkEditing()).toBe(false);
    expect(blockOf(host, uuid).text).toBe(
      `#decision Ship on Monday, after the docs\nrun-id:: ${runId()}\nstage:: verify\nby:: logseq`,
    );
    expect(host.messages().at(-1)).toEqual({
      content: `TTA: decision recorded in run ${runId()}`,
      status: 'success',
    });
  });

  it('record a #learning from the run page of a DB graph, its properties on the block', async () => {
    const { host, journal } = await graphWithRun('2.0.1');
    const uuid = await editing(host, journal.pages[0]!.uuid, 'The coverage gate caught a gap');

    await runNoteCommand('learning', uuid, deps(host));

    expect((await events()).at(-1)).toMatchObject({
      type: 'learning',
      text: 'The coverage gate caught a gap',
      by: 'logseq',
    });
    expect((await events()).at(-1)).not.toHaveProperty('stage');
    const block = blockOf(host, uuid);
    expect(block.text).toBe('#learning The coverage gate caught a gap');
    const ns = 'plugin.property.logseq-plugin-tta';
    expect(block.properties).toMatchObject({
      [`${ns}/run-id`]: { value: runId() },
      [`${ns}/by`]: { value: 'logseq' },
    });
  });

  it('write a stage summary from the stage’s steps and gates when the block is empty', async () => {
    const { host, journal } = await graphWithRun('0.10.15');
    const uuid = await editing(
      host,
      journal.pages.find((p) => p.name.endsWith('/prepare'))!.name,
      '',
    );

    const note = await runNoteCommand('stage-summary', uuid, deps(host));

    const persona = (await events()).find((e) => e.type === 'stage_started')!;
    const summary = `prepare completed as ${persona.type === 'stage_started' ? persona.persona : ''}; steps: bump-version succeeded; gates: version-set passed (`;
    expect(note?.kind).toBe('learning');
    expect(note?.text.startsWith(`Summary of stage prepare: ${summary}`)).toBe(true);
    expect(blockOf(host, uuid).text.startsWith(`#stage-summary ${summary}`)).toBe(true);
    expect((await events()).at(-1)).toMatchObject({ type: 'learning', stage: 'prepare' });
  });

  it('use the run selected in the panel for a block elsewhere, and keep the block’s own properties', async () => {
    const host = emulateLogseq('0.10.15');
    const block = (await host.api.Editor.insertBlock('Meeting notes', 'x', {
      customUUID: '6f1c2c1e-4f7a-4c55-9d7e-2b7d0b2c9a11',
      focus: false,
    })) as { uuid: string };
    host.edit(block.uuid, 'Keep the old API one more release');

    await runNoteCommand('decision', block.uuid, deps(host, { runId: runId(), stage: 'verify' }));

    expect(blockOf(host, block.uuid).text).toBe(
      `#decision Keep the old API one more release\nid:: 6f1c2c1e-4f7a-4c55-9d7e-2b7d0b2c9a11\nrun-id:: ${runId()}\nstage:: verify\nby:: logseq`,
    );
  });

  it('say what is missing, and change nothing, without a run, without text, or when the server refuses', async () => {
    const host = emulateLogseq('0.10.15');
    const loose = await editing(host, 'Meeting notes', 'An idea');
    const before = (await events()).length;

    expect(await runNoteCommand('decision', loose, deps(host))).toBeUndefined();
    expect(host.messages().at(-1)?.content).toMatch(/open a run’s page, or select a run/);

    const { host: graph, journal } = await graphWithRun('0.10.15');
    const empty = await editing(graph, journal.pages[0]!.name, '   ');
    expect(await runNoteCommand('learning', empty, deps(graph))).toBeUndefined();
    expect(graph.messages().at(-1)).toEqual({
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
    expect(graph.messages().at(-1)?.content).toMatch(
      /^TTA: the decision was not recorded: POST .*\/notes: 401 the token is wrong/,
    );
    expect(blockOf(graph, typed).text).toBe('');
    expect(await events()).toHaveLength(before);
  });
});
