import { ExpressionError } from './ExpressionError.js';
import type { Expr } from './parseExpression.js';

/** The names an expression may start from, e.g. `{ inputs, memory, steps, env }`. */
export type ExpressionScope = Readonly<Record<string, unknown>>;

/** The names a workflow's expressions start from: what the engine puts in their scope. */
export const EXPRESSION_ROOTS = ['inputs', 'steps', 'memory', 'project', 'env'] as const;

const toText = (value: unknown): string =>
  value === undefined || value === null
    ? ''
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

const FUNCTIONS: Record<string, (args: unknown[]) => unknown> = {
  contains: ([haystack, needle]) =>
    Array.isArray(haystack) ? haystack.includes(needle) : toText(haystack).includes(toText(needle)),
  startsWith: ([text, prefix]) => toText(text).startsWith(toText(prefix)),
  endsWith: ([text, suffix]) => toText(text).endsWith(toText(suffix)),
  length: ([value]) => (Array.isArray(value) ? value.length : toText(value).length),
  join: ([list, separator]) =>
    Array.isArray(list)
      ? list.map(toText).join(separator === undefined ? ',' : toText(separator))
      : toText(list),
  toJSON: ([value]) => JSON.stringify(value ?? null),
  fromJSON: ([text]) => JSON.parse(toText(text)),
  number: ([value]) => Number(value),
};

/** The functions expressions may call. */
export const EXPRESSION_FUNCTIONS: readonly string[] = Object.keys(FUNCTIONS);

/** Evaluates a parsed expression against `scope`; a missing field is `undefined`, not an error. */
export function evaluate(expr: Expr, scope: ExpressionScope, source: string): unknown {
  switch (expr.type) {
    case 'literal':
      return expr.value;
    case 'path': {
      if (!Object.hasOwn(scope, expr.root)) {
        throw new ExpressionError(
          source,
          expr.at,
          `unknown name "${expr.root}" (use ${Object.keys(scope).join(', ')})`,
        );
      }
      let value: unknown = scope[expr.root];
      for (const key of expr.keys) {
        if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key))
          return undefined;
        value = (value as Record<string | number, unknown>)[key];
      }
      return value;
    }
    case 'not':
      return !evaluate(expr.operand, scope, source);
    case 'call': {
      const fn = FUNCTIONS[expr.name];
      if (fn === undefined) {
        throw new ExpressionError(source, expr.at, unknownFunction(expr.name));
      }
      try {
        return fn(expr.args.map((a) => evaluate(a, scope, source)));
      } catch (error) {
        if (error instanceof ExpressionError) throw error;
        throw new ExpressionError(
          source,
          expr.at,
          `${expr.name}() failed: ${(error as Error).message}`,
        );
      }
    }
    case 'binary': {
      if (expr.op === '&&')
        return evaluate(expr.left, scope, source) && evaluate(expr.right, scope, source);
      if (expr.op === '||')
        return evaluate(expr.left, scope, source) || evaluate(expr.right, scope, source);
      const left = evaluate(expr.left, scope, source);
      const right = evaluate(expr.right, scope, source);
      switch (expr.op) {
        case '==':
          return looseEqual(left, right);
        case '!=':
          return !looseEqual(left, right);
        default:
          return compare(expr.op, left, right);
      }
    }
  }
}

/** The message for a call of a function that does not exist, at load or at run time. */
export const unknownFunction = (name: string) =>
  `unknown function "${name}" (use ${EXPRESSION_FUNCTIONS.join(', ')})`;

/** Numbers compare as numbers (a numeric string counts), everything else by strict equality. */
function looseEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return a === b || (a == null && b == null);
}

function compare(op: '<' | '<=' | '>' | '>=', a: unknown, b: unknown): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return false;
  const x = typeof a === 'number' || typeof b === 'number' ? Number(a) : String(a);
  const y = typeof a === 'number' || typeof b === 'number' ? Number(b) : String(b);
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}
