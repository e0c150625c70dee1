// The public API of @tta-dev/workflows, listed by name.

// Expressions: ${{ }} in workflow files
export type { ExpressionScope } from './expressions/evaluate.js';
export { evaluate } from './expressions/evaluate.js';
export { ExpressionError, isExpressionError } from './expressions/ExpressionError.js';
export type { BinaryOp, Expr } from './expressions/parseExpression.js';
export { parseExpression } from './expressions/parseExpression.js';
export type { TemplateExpression } from './expressions/template.js';
export { renderDeep, renderTemplate, templateExpressions } from './expressions/template.js';
