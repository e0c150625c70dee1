// The journal model of @tta-dev/workflows (subpath `@tta-dev/workflows/journal`): pure and
// browser-safe, so the Logseq plugin imports it without Node code.

// A run's status from its events, for views that follow runs live (the plugin's panel).
export { type RunStatus, runStatus } from '../runs/runStatus.js';
export { isRunBlock, runBlockUuid, UUID_PATTERN } from './blockUuid.js';
export type {
  JournalBlock,
  JournalOptions,
  JournalPage,
  JournalPropertyValue,
  JournalSink,
  RunJournal,
} from './JournalPage.js';
export { markdownBlocks } from './markdownBlocks.js';
export {
  DEFAULT_JOURNAL_PREFIX,
  dayOf,
  formatDuration,
  propertyKey,
  runJournal,
  runPageName,
} from './runJournal.js';
export { writeRunJournal } from './writeRunJournal.js';
