import { EXPRESSION_FUNCTIONS, EXPRESSION_ROOTS, unknownFunction } from './evaluate.js';
import type { Expr } from './parseExpression.js';

/** What an expression may name where it is written in a workflow. */
export interface ExpressionContext {
  /** The inputs the workflow declares. */
  readonly inputs: readonly string[];
  /** Every step id of the workflow, in the order they run. */
  readonly steps: readonly string[];
  /** How many of `steps` have run (their outputs are known) where the expression is evaluated. */
  readonly stepsBefore: number;
  /** The step the expression belongs to, if any (its output is not known while it runs). */
  readonly self?: string;
}

/** A problem of an expression's names; `at` is an offset within its source. */
export interface ExpressionProblem {
  readonly at: number;
  readonly reason: string;
}

/**
 * The names an expression uses that cannot work where it is written: unknown functions and
 * roots (`eval(…)`, `secrets.x`), inputs the workflow does not declare, and steps that do not
 * exist or have not run yet. Found before a run starts, instead of half-way through it.
 */
export function checkExpression(expr: Expr, context: ExpressionContext): ExpressionProblem[] {
  switch (expr.type) {
    case 'literal':
      return [];
    case 'not':
      return checkExpression(expr.operand, context);
    case 'binary':
      return [...checkExpression(expr.left, context), ...checkExpression(expr.right, context)];
    case 'call':
      return [
        ...(EXPRESSION_FUNCTIONS.includes(expr.name)
          ? []
          : [{ at: expr.at, reason: unknownFunction(expr.name) }]),
        ...expr.args.flatMap((arg) => checkExpression(arg, context)),
      ];
    case 'path': {
      const reason = pathProblem(expr.root, expr.keys[0], context);
      return reason === undefined ? [] : [{ at: expr.at, reason }];
    }
  }
}

function pathProblem(
  root: string,
  key: string | number | undefined,
  context: ExpressionContext,
): string | undefined {
  if (!(EXPRESSION_ROOTS as readonly string[]).includes(root))
    return `unknown name "${root}" (use ${EXPRESSION_ROOTS.join(', ')})`;
  if (key === undefined) return undefined;
  const name = String(key);
  if (root === 'inputs' && !context.inputs.includes(name))
    return `input "${name}" is not declared (${context.inputs.length > 0 ? `declared: ${context.inputs.join(', ')}` : 'the workflow declares no inputs'})`;
  if (root !== 'steps') return undefined;
  const index = context.steps.indexOf(name);
  if (index < 0) return `no step "${name}" in this workflow`;
  if (name === context.self)
    return `step "${name}" is this step: its output is not known until it has run`;
  if (index >= context.stepsBefore)
    return `step "${name}" runs later: its output is not known here`;
  return undefined;
}
