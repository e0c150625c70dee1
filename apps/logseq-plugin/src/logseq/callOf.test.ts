import { isLogseqError, LogseqApiSink } from '@tta-dev/integrations/logseq';
import { emulateLogseq } from '@tta-dev/integrations/testing/logseq';
import { type JournalBlock, runJournal, writeRunJournal } from '@tta-dev/workflows/journal';
import { describe, expect, it } from 'vitest';
import {
  SAMPLE_RUN_ID,
  sampleRunCompletion,
  sampleRunInputs,
  withEnvelopes,
} from '../runs/sampleRun.testkit.js';
import { callOf } from './callOf.js';

const finished = () =>
  runJournal(withEnvelopes(SAMPLE_RUN_ID, [...sampleRunInputs(), ...sampleRunCompletion()]));
const uuidsOf = (blocks: readonly { uuid: string; children: readonly unknown[] }[]): string[] =>
  blocks.flatMap((b) => [b.uuid, ...uuidsOf(b.children as JournalBlock[])]);

describe('the plugin’s journal writes, through its logseq object', () => {
  it('tells a method the host lacks (Logseq 0.10.15 has no createJournalPage) as a LogseqError', async () => {
    const host = emulateLogseq('0.10.15');
    const error = await callOf(host.api)('Editor.createJournalPage', '2026-12-01').catch(
      (e: unknown) => e,
    );
    expect(isLogseqError(error) && error.reason).toBe('method');
  });

  it('writes the day’s journal line in a 0.10.15 file graph, with no error shown', async () => {
    const host = emulateLogseq('0.10.15');
    const journal = finished();
    await writeRunJournal(journal, new LogseqApiSink(callOf(host.api)));
    const day = host.pages().find((p) => p.journalDay !== undefined)!;
    expect(uuidsOf(host.outline(day.uuid))).toEqual([journal.journalEntry.block.uuid]);
    expect(host.messages()).toEqual([]);
  });

  it('writes complete run pages in a 2.0.1 DB graph, each found by its uuid', async () => {
    const host = emulateLogseq('2.0.1');
    const journal = finished();
    await writeRunJournal(journal, new LogseqApiSink(callOf(host.api)));
    for (const page of journal.pages)
      expect(uuidsOf(host.outline(page.uuid))).toEqual(uuidsOf(page.blocks));
  });
});
