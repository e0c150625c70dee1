// The public API of @tta-dev/workflows, listed by name.

export type { WorkflowFileRef } from './definition/discoverWorkflows.js';
export {
  discoverWorkflows,
  findProjectWorkflows,
  WORKFLOW_FILE_SUFFIX,
} from './definition/discoverWorkflows.js';
// Definitions: workflow files
export { BUILTIN_TEMPLATES_DIR, loadWorkflowFile } from './definition/loadWorkflowFile.js';
export type { ParseWorkflowOptions } from './definition/parseWorkflow.js';
export { parseWorkflow } from './definition/parseWorkflow.js';
export { toMermaid } from './definition/toMermaid.js';
export type { WorkflowFileIssue } from './definition/WorkflowFileError.js';
export { isWorkflowFileError, WorkflowFileError } from './definition/WorkflowFileError.js';
export type {
  Gate,
  Stage,
  Step,
  StepKind,
  WorkflowDefinition,
  WorkflowDefinitionInput,
  WorkflowInput,
} from './definition/WorkflowSchema.js';
export {
  GateSchema,
  STEP_KINDS,
  StageSchema,
  StepSchema,
  WorkflowSchema,
} from './definition/WorkflowSchema.js';
export { ExpressionError, isExpressionError } from './expressions/ExpressionError.js';
// Expressions: ${{ }} in workflow files
export type { ExpressionScope } from './expressions/evaluate.js';
export { evaluate } from './expressions/evaluate.js';
export type { BinaryOp, Expr } from './expressions/parseExpression.js';
export { parseExpression } from './expressions/parseExpression.js';
export type { TemplateExpression } from './expressions/template.js';
export { renderDeep, renderTemplate, templateExpressions } from './expressions/template.js';
