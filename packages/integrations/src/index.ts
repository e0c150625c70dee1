// The public API of @tta-dev/integrations, listed by name.

// MCP servers file and persona gateway: listed by name in gateway.ts, its own entry point
export * from './gateway.js';
// Git and GitHub: git and github steps
export type {
  BranchResult,
  CommitResult,
  PushedRef,
  PushResult,
  TagResult,
} from './git/GitRepository.js';
export { GitRepository } from './git/GitRepository.js';
export { gitStepRunner } from './git/gitStepRunner.js';
export type { GitOptions, GitOutput } from './git/runGit.js';
export { GitError, isGitError } from './git/runGit.js';
export type {
  CiCheck,
  CiStatusResult,
  GitHubClientOptions,
  PullRequestResult,
  ReleaseResult,
} from './github/GitHubClient.js';
export { GITHUB_API_URL, GitHubClient } from './github/GitHubClient.js';
export type { GitHubRepo } from './github/GitHubRepo.js';
export { parseRepoName, repoOfRemoteUrl } from './github/GitHubRepo.js';
export type { GitHubNotConfigured, GitHubStepRunnerOptions } from './github/githubStepRunner.js';
export { createGitHubStepRunner, githubStepRunner } from './github/githubStepRunner.js';
// Loki (logql steps); errors of the services that steps query
export { isServiceError, ServiceError } from './http/ServiceError.js';
// Logseq: the journal writers (file graph, HTTP API; the plugin API's also from `./logseq`)
export type { LogseqApiOptions } from './logseq/LogseqApi.js';
export { DEFAULT_LOGSEQ_API_URL, LogseqApi } from './logseq/LogseqApi.js';
export type { LogseqApiGraphOptions, LogseqGraphKind } from './logseq/LogseqApiGraph.js';
export { LogseqApiGraph } from './logseq/LogseqApiGraph.js';
export type { LogseqCall } from './logseq/LogseqApiSink.js';
export { LogseqApiSink } from './logseq/LogseqApiSink.js';
export type { LogseqErrorReason } from './logseq/LogseqError.js';
export { isLogseqError, LogseqError } from './logseq/LogseqError.js';
export type { LogseqFileGraphOptions } from './logseq/LogseqFileGraph.js';
export { DEFAULT_GRAPH_DIR, LogseqFileGraph, resolveGraphDir } from './logseq/LogseqFileGraph.js';
export type { LogseqFileNameFormat } from './logseq/logseqFileName.js';
export { pageFileBody, pageNameOfFileBody } from './logseq/logseqFileName.js';
export { logqlStepRunner } from './loki/logqlStepRunner.js';
export type { LokiLine, LokiQuery, LokiResult } from './loki/queryLoki.js';
export { MAX_LINE_LENGTH, MAX_LINES_KEPT, queryLoki } from './loki/queryLoki.js';

// Prometheus: promql steps
export { parseDuration } from './prometheus/parseDuration.js';
export { promqlStepRunner } from './prometheus/promqlStepRunner.js';
export type { QueryRange, QueryWindow } from './prometheus/QueryWindow.js';
export { queryWindow } from './prometheus/QueryWindow.js';
export type {
  PrometheusQuery,
  PrometheusResult,
  PrometheusSeries,
} from './prometheus/queryPrometheus.js';
export { queryPrometheus } from './prometheus/queryPrometheus.js';
export {
  isRunServerOptionsError,
  RunServerOptionsError,
} from './runServer/RunServerOptionsError.js';
// Run server (tta serve): runs as JSON, their events as Server-Sent Events
export type { ResumeRun } from './runServer/RunWriter.js';
export type {
  CompleteStep,
  MetricsHandler,
  RequestLogEntry,
  RunServer,
  RunServerOptions,
} from './runServer/startRunServer.js';
export { DEFAULT_RUN_SERVER_PORT, startRunServer } from './runServer/startRunServer.js';

// Code execution: code steps, the CodeExecution primitive, local and E2B sandboxes, README examples
export type { CodeExecution } from './sandbox/CodeExecution.js';
export { codeExecution } from './sandbox/CodeExecution.js';
export type {
  CodeLanguage,
  CodeRequest,
  CodeResult,
  CodeRunOptions,
  CodeSandbox,
} from './sandbox/CodeSandbox.js';
export {
  CODE_LANGUAGES,
  CodeRequestSchema,
  codeResultProblem,
  DEFAULT_MAX_OUTPUT_BYTES,
  DEFAULT_MEMORY_MB,
  DEFAULT_TIME_LIMIT_MS,
  MIN_MEMORY_MB,
} from './sandbox/CodeSandbox.js';
export type { CodeSandboxChoice } from './sandbox/codeSandboxFor.js';
export { codeSandboxFor } from './sandbox/codeSandboxFor.js';
export {
  CodeStepFailedError,
  codeStepRunner,
  isCodeStepFailedError,
} from './sandbox/codeStepRunner.js';
export type {
  E2bCommandOptions,
  E2bCommandResult,
  E2bCreate,
  E2bSandboxLike,
  E2bSandboxOptions,
} from './sandbox/E2bSandbox.js';
export { E2bSandbox } from './sandbox/E2bSandbox.js';
export type { LocalSandboxOptions } from './sandbox/LocalSandbox.js';
export { LocalSandbox } from './sandbox/LocalSandbox.js';
export type {
  CodeExample,
  ExampleOutcome,
  ExamplesReport,
  RunExamplesOptions,
} from './sandbox/readmeExamples.js';
export {
  extractCodeExamples,
  runMarkdownExamples,
  runReadmeExamples,
} from './sandbox/readmeExamples.js';
export type {
  EsbuildTransform,
  Transpiled,
  TypeScriptTranspiler,
} from './sandbox/transpileTypeScript.js';
export { esbuildTranspiler } from './sandbox/transpileTypeScript.js';

// Workflow step runners
export type { StepRunnersOptions } from './steps/createStepKinds.js';
export { createStepKinds, createStepRunners } from './steps/createStepKinds.js';
export { InvalidStepError, isInvalidStepError } from './steps/stepFields.js';
export type { ToolStepRunner, ToolStepRunnerOptions } from './steps/toolStepRunner.js';
export { toolStepRunner } from './steps/toolStepRunner.js';
