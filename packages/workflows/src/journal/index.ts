// The journal model of @tta-dev/workflows (subpath `@tta-dev/workflows/journal`): pure and
// browser-safe, so the Logseq plugin imports it without Node code.

// The fold of a run's events, for views that follow runs live (the plugin's panel).
export { applyEvent, foldRun, initialState, waitingNow } from '../runs/foldRun.js';
export type {
  GateState,
  NoteState,
  PageState,
  RunState,
  RunStatus,
  Segment,
  StageState,
  StageStatus,
  StepOutcome,
  StepState,
} from '../runs/RunState.js';
export { DONE_OUTCOMES, RUN_STATUSES, STEP_OUTCOMES } from '../runs/RunState.js';
export type { RunMetrics } from '../runs/runMetrics.js';
export { runMetrics, stageWorkMs } from '../runs/runMetrics.js';
export { runStatus } from '../runs/runStatus.js';
export { isRunBlock, runBlockUuid, UUID_PATTERN } from './blockUuid.js';
export { escapeContent } from './escapeContent.js';
export { formatLogseqDate } from './formatLogseqDate.js';
export type {
  JournalBlock,
  JournalOptions,
  JournalPage,
  JournalPropertyValue,
  JournalSink,
  RunJournal,
} from './JournalPage.js';
export { markdownBlocks } from './markdownBlocks.js';
export { RESERVED_PROPERTIES, userPropertyKey } from './reservedProperties.js';
export {
  DEFAULT_JOURNAL_PREFIX,
  dayOf,
  formatDuration,
  propertyKey,
  runJournal,
  runPageName,
} from './runJournal.js';
export { uuidLinks } from './uuidLinks.js';
export { writeRunJournal } from './writeRunJournal.js';
