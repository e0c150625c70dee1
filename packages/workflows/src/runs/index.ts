// `@tta-dev/workflows/runs`: the run store and the commands that read or change a run without
// driving it, for processes that never run a step (`tta workflow status`, `logs`, `cancel`,
// `note`, `complete`, `prune`): they load no engine, no step kinds, no workflow parser.

export { cancelRun } from '../commands/cancelRun.js';
export type { Settlement } from '../commands/completeStep.js';
export { completeStep } from '../commands/completeStep.js';
export type { Note } from '../commands/noteRun.js';
export { noteRun } from '../commands/noteRun.js';
export type { Pruned, PruneOptions } from '../commands/pruneRuns.js';
export { FINISHED_STATUSES, PRUNABLE_STATUSES, pruneRuns } from '../commands/pruneRuns.js';
export { foldRun } from './foldRun.js';
export type { OpenedRunStore, OpenRunStoreOptions } from './openRunStore.js';
export { openRunStore } from './openRunStore.js';
export type { RunEvent } from './RunEvent.js';
export type { RunStatus, StepState } from './RunState.js';
export type { RunStore } from './RunStore.js';
export type { RunSummary } from './RunSummary.js';
export { summaryOf } from './RunSummary.js';
