import type { JournalSink, RunJournal } from './JournalPage.js';

/** Writes a run's pages, then its journal block (which links to them), one after the other. */
export async function writeRunJournal(journal: RunJournal, sink: JournalSink): Promise<void> {
  for (const page of journal.pages) await sink.writePage(page, journal);
  await sink.addToJournal(journal.journalEntry.date, journal.journalEntry.block, journal);
}
