import { LogseqApiSink } from '@tta-dev/integrations/logseq';
import { emulateLogseq } from '@tta-dev/integrations/testing/logseq';
import type { RunEvent } from '@tta-dev/workflows';
import type {
  JournalBlock,
  JournalPage,
  JournalSink,
  RunJournal,
} from '@tta-dev/workflows/journal';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { callOf } from '../logseq/callOf.js';
import {
  SAMPLE_RUN_ID,
  sampleRunCompletion,
  sampleRunInputs,
  withEnvelopes,
} from '../runs/sampleRun.testkit.js';
import { RunPages } from './RunPages.js';

/** Writes through to a graph, noting when each run write starts and ends. */
class TracingSink implements JournalSink {
  readonly trace: string[] = [];
  constructor(readonly inner: JournalSink) {}
  async writePage(page: JournalPage, journal: RunJournal): Promise<void> {
    this.trace.push(`page ${page.name.split(SAMPLE_RUN_ID).at(-1) || 'run'}`);
    await this.inner.writePage(page, journal);
  }
  async addToJournal(date: string, block: JournalBlock, journal: RunJournal): Promise<void> {
    await this.inner.addToJournal(date, block, journal);
    this.trace.push('journal');
  }
}

afterEach(() => {
  vi.useRealTimers();
});

function setUp(prefix = 'TTA') {
  const logseq = emulateLogseq('0.10.15');
  const sink = new TracingSink(new LogseqApiSink(callOf(logseq.api)));
  let events: RunEvent[] | undefined = withEnvelopes(SAMPLE_RUN_ID, sampleRunInputs());
  const pages = new RunPages({
    events: () => events,
    sink: () => sink,
    prefix: () => prefix,
    delayMs: 300,
  });
  return {
    logseq,
    sink,
    pages,
    setEvents: (next: RunEvent[] | undefined) => {
      events = next;
    },
  };
}

describe('RunPages', () => {
  it('writes a run’s pages under the prefix, and nothing for a run not loaded', async () => {
    const { logseq, pages, setEvents } = setUp('Work/TTA');
    const journal = await pages.write(SAMPLE_RUN_ID);
    expect(journal?.pages).toHaveLength(3);
    for (const page of journal!.pages)
      expect(page.name).toMatch(/^Work\/TTA\/Runs\/package-release\/\d{4}-\d\d-\d\d /);
    const names = new Set(logseq.pages().map((p) => p.name));
    for (const page of journal!.pages) expect(names).toContain(page.name.toLowerCase());
    setEvents(undefined);
    expect(await pages.write(SAMPLE_RUN_ID)).toBeUndefined();
  });

  it('writes a run once after a burst of events, with the last of them', async () => {
    vi.useFakeTimers();
    const { logseq, sink, pages, setEvents } = setUp();
    pages.schedule(SAMPLE_RUN_ID);
    await vi.advanceTimersByTimeAsync(200);
    setEvents(withEnvelopes(SAMPLE_RUN_ID, [...sampleRunInputs(), ...sampleRunCompletion()]));
    pages.schedule(SAMPLE_RUN_ID);
    await vi.advanceTimersByTimeAsync(200);
    expect(sink.trace).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    await pages.idle();
    expect(sink.trace.filter((t) => t === 'journal')).toHaveLength(1);
    const run = pages.journalOf(SAMPLE_RUN_ID)!.pages[0]!.name;
    const page = logseq.pages().find((p) => p.name === run.toLowerCase())!;
    expect(page.properties.status?.value).toBe('completed');
  });

  it('writes one run at a time: a second write waits for the first', async () => {
    const { sink, pages } = setUp();
    await Promise.all([pages.write(SAMPLE_RUN_ID), pages.write(SAMPLE_RUN_ID)]);
    expect(sink.trace).toEqual([
      'page run',
      'page /prepare',
      'page /verify',
      'journal',
      'page run',
      'page /prepare',
      'page /verify',
      'journal',
    ]);
  });
});
