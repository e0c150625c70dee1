// The public API of @tta-dev/workflows, listed by name.

export { cancelRun } from './commands/cancelRun.js';
// Run commands: the only writers of a run's log besides the engine
export type { Settlement } from './commands/completeStep.js';
export { completeStep } from './commands/completeStep.js';
export type { Note } from './commands/noteRun.js';
export { noteRun } from './commands/noteRun.js';
export type { Pruned, PruneOptions } from './commands/pruneRuns.js';
export { FINISHED_STATUSES, PRUNABLE_STATUSES, pruneRuns } from './commands/pruneRuns.js';
export type { RunCommandOptions, TakenRun } from './commands/withRun.js';
export { commandOwner, withRun } from './commands/withRun.js';
// Definitions: workflow files
export type { WorkflowFileRef } from './definition/discoverWorkflows.js';
export {
  discoverWorkflows,
  findProjectRoot,
  findProjectWorkflows,
  WORKFLOW_FILE_SUFFIX,
} from './definition/discoverWorkflows.js';
export { BUILTIN_TEMPLATES_DIR, loadWorkflowFile } from './definition/loadWorkflowFile.js';
export type { ParseWorkflowOptions } from './definition/parseWorkflow.js';
export { parseWorkflow } from './definition/parseWorkflow.js';
export type { StepKind, StepOf } from './definition/StepKind.js';
export { defineStepKind, mergeStepKinds } from './definition/StepKind.js';
export {
  AgentFields,
  CodeFields,
  GitFields,
  GithubFields,
  JournalFields,
  LogqlFields,
  MemoryFields,
  PromqlFields,
  RunFields,
  STANDARD_STEP_KINDS,
  STEP_KINDS,
  standardStepKind,
  ToolFields,
} from './definition/standardStepKinds.js';
export type { TemplateSummariesOptions, TemplateSummary } from './definition/templateSummaries.js';
export { builtinTemplateSummaries } from './definition/templateSummaries.js';
export { toMermaid } from './definition/toMermaid.js';
export type { WorkflowFileIssue } from './definition/WorkflowFileError.js';
export { isWorkflowFileError, WorkflowFileError } from './definition/WorkflowFileError.js';
export type {
  Gate,
  Stage,
  Step,
  StepCommon,
  WorkflowDefinition,
  WorkflowDefinitionInput,
  WorkflowInput,
  WorkflowSchemas,
} from './definition/WorkflowSchema.js';
export {
  GateSchema,
  StageSchema,
  StepSchema,
  WorkerLabelSchema,
  WorkflowSchema,
  workflowSchemaFor,
} from './definition/WorkflowSchema.js';
export { workflowJsonSchema } from './definition/workflowJsonSchema.js';
export { BUILTIN_STEP_KINDS } from './engine/builtinStepKinds.js';
// Engine
export type { ProjectFacts } from './engine/detectProject.js';
export { detectProject } from './engine/detectProject.js';
export { firstErrorLine, withErrorOutput } from './engine/firstErrorLine.js';
export {
  InvalidProjectFileError,
  isInvalidProjectFileError,
} from './engine/InvalidProjectFileError.js';
export { isPreflightError, PreflightError } from './engine/PreflightError.js';
export type { PlannedStep, RunPlan } from './engine/planRun.js';
export { planRun } from './engine/planRun.js';
export type { PreflightOptions } from './engine/preflightRun.js';
export { preflightProblems, preflightRun } from './engine/preflightRun.js';
export { PROJECT_FILE, projectFileField } from './engine/projectFileField.js';
export { resolveInputs } from './engine/resolveInputs.js';
export type { Rewind } from './engine/rewindFrom.js';
export { rewindFrom } from './engine/rewindFrom.js';
export type {
  JournalEntry,
  StepRunContext,
  StepRunner,
  StepRunners,
} from './engine/StepRunner.js';
export { createSampleProject, SAMPLE_GIT_ENV } from './engine/sampleProject.js';
export {
  isUnknownResumePointError,
  UnknownResumePointError,
} from './engine/UnknownResumePointError.js';
export type { EngineOptions, ResumeOptions, RunResult } from './engine/WorkflowEngine.js';
export { WorkflowEngine } from './engine/WorkflowEngine.js';
export { ExpressionError, isExpressionError } from './expressions/ExpressionError.js';
// Expressions: ${{ }} in workflow files
export type { ExpressionScope } from './expressions/evaluate.js';
export { evaluate } from './expressions/evaluate.js';
export type { BinaryOp, Expr } from './expressions/parseExpression.js';
export { parseExpression } from './expressions/parseExpression.js';
export type { TemplateExpression } from './expressions/template.js';
export { renderDeep, renderTemplate, templateExpressions } from './expressions/template.js';
export { InvalidInputError, isInvalidInputError } from './runs/errors/InvalidInputError.js';

// Runs: events and stores
export type { RunEventIssue } from './runs/errors/InvalidRunEventError.js';
export {
  InvalidRunEventError,
  isInvalidRunEventError,
} from './runs/errors/InvalidRunEventError.js';
export { InvalidRunIdError, isInvalidRunIdError } from './runs/errors/InvalidRunIdError.js';
export { isLeaseLostError, LeaseLostError } from './runs/errors/LeaseLostError.js';
export { isRunBusyError, RunBusyError } from './runs/errors/RunBusyError.js';
export { isRunFinishedError, RunFinishedError } from './runs/errors/RunFinishedError.js';
export { isRunLogCorruptError, RunLogCorruptError } from './runs/errors/RunLogCorruptError.js';
export { isRunLogLockedError, RunLogLockedError } from './runs/errors/RunLogLockedError.js';
export { isRunNotFoundError, RunNotFoundError } from './runs/errors/RunNotFoundError.js';
export {
  isRunStoreConfigError,
  RunStoreConfigError,
} from './runs/errors/RunStoreConfigError.js';
export { isStepNotWaitingError, StepNotWaitingError } from './runs/errors/StepNotWaitingError.js';
export { isUnknownStageError, UnknownStageError } from './runs/errors/UnknownStageError.js';
export type { FileRunStoreOptions } from './runs/FileRunStore.js';
export {
  DEFAULT_RUNS_DIR,
  EVENTS_FILE,
  FileRunStore,
  LEASE_FILE,
  SYNCED_EVENT_TYPES,
} from './runs/FileRunStore.js';
export { applyEvent, foldRun, initialState, waitingNow } from './runs/foldRun.js';
export type {
  FollowableRunStore,
  FollowRunOptions,
  RunAppeared,
  WatchOptions,
} from './runs/followRun.js';
export { followRun, watchRuns } from './runs/followRun.js';
export { InMemoryRunStore } from './runs/InMemoryRunStore.js';
export type { OpenedRunStore, OpenRunStoreOptions } from './runs/openRunStore.js';
export { openRunStore, RUN_STORE_ENV } from './runs/openRunStore.js';
// The URL handling of every PostgreSQL client of tta (this store, integrations' memory).
export { type PostgresTarget, postgresTarget } from './runs/postgres/_connection.js';
export { quoteIdent } from './runs/postgres/_schema.js';
export type { PostgresRunStoreOptions } from './runs/postgres/PostgresRunStore.js';
export { PostgresRunStore } from './runs/postgres/PostgresRunStore.js';
export type {
  ErrorInfo,
  JsonValue,
  RunEvent,
  RunEventEnvelope,
  RunEventInput,
  RunEventInputOf,
  RunEventOf,
  RunEventType,
  TraceRef,
} from './runs/RunEvent.js';
export {
  ErrorInfoSchema,
  JsonValueSchema,
  RUN_EVENT_TYPES,
  RUN_ID_PATTERN,
  RunEventEnvelopeSchema,
  RunEventInputSchema,
  RunEventSchema,
  RunIdSchema,
  TraceRefSchema,
} from './runs/RunEvent.js';
export type {
  GateState,
  NoteState,
  PageState,
  RunState,
  Segment,
  StageState,
  StageStatus,
  StepOutcome,
  StepState,
} from './runs/RunState.js';
export { DONE_OUTCOMES, STEP_OUTCOMES } from './runs/RunState.js';
export type {
  ChangesOptions,
  FollowOptions,
  Lease,
  LeaseOptions,
  ListOptions,
  RunStore,
  RunStoreCallOptions,
  RunStoreOptions,
} from './runs/RunStore.js';
export { DEFAULT_LEASE_TTL_MS } from './runs/RunStore.js';
export type { RunSummary } from './runs/RunSummary.js';
export { summarizeRun, summaryOf } from './runs/RunSummary.js';
export type { RedactOptions } from './runs/redactSecrets.js';
export {
  isSecretKey,
  MIN_SECRET_LENGTH,
  REDACTED,
  redactError,
  redactSecrets,
  redactString,
  secretValuesFromEnv,
} from './runs/redactSecrets.js';
export { redactUrl, scrubUrl, secretsOfUrl } from './runs/redactUrl.js';
export type { RunMetrics } from './runs/runMetrics.js';
export { runMetrics, stageWorkMs } from './runs/runMetrics.js';
export type { RunStatus } from './runs/runStatus.js';
export { RUN_STATUSES, runStatus } from './runs/runStatus.js';
export { withLease } from './runs/withLease.js';
export type { WorkerEvent, WorkerOptions } from './workers/runWorker.js';
export { runWorker } from './workers/runWorker.js';
