// Finding workflow files and summarising the built-in ones, without the schema, the YAML parser
// or the engine: what `tta workflow list` needs to start fast.

export { BUILTIN_TEMPLATES_DIR } from './builtinTemplatesDir.js';
export type { WorkflowFileRef } from './discoverWorkflows.js';
export {
  discoverWorkflows,
  findProjectRoot,
  findProjectWorkflows,
  WORKFLOW_FILE_SUFFIX,
} from './discoverWorkflows.js';
export type { TemplateSummariesOptions, TemplateSummary } from './templateSummaries.js';
export { builtinTemplateSummaries } from './templateSummaries.js';
