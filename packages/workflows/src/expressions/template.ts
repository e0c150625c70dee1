import { ExpressionError } from './ExpressionError.js';
import { type ExpressionScope, evaluate } from './evaluate.js';
import { type Expr, parseExpression } from './parseExpression.js';

/** A `${{ }}` found in a text: its source, where it starts in the text, and its parse. */
export interface TemplateExpression {
  readonly source: string;
  /** Offset of the expression's source within the text. */
  readonly offset: number;
  readonly expr: Expr;
}

const OPEN = '${{';
const CLOSE = '}}';

/**
 * The `${{ }}` expressions of a text, parsed. Throws `ExpressionError` whose offset is within
 * the whole text, so a loader can point at the line and column.
 */
export function templateExpressions(text: string): TemplateExpression[] {
  const found: TemplateExpression[] = [];
  for (
    let start = text.indexOf(OPEN);
    start >= 0;
    start = text.indexOf(OPEN, start + OPEN.length)
  ) {
    const end = text.indexOf(CLOSE, start + OPEN.length);
    if (end < 0) throw new ExpressionError(text, start, 'unclosed "${{"');
    const raw = text.slice(start + OPEN.length, end);
    const source = raw.trim();
    const offset = start + OPEN.length + raw.indexOf(source);
    try {
      found.push({ source, offset, expr: parseExpression(source) });
    } catch (error) {
      if (error instanceof ExpressionError)
        throw new ExpressionError(text, offset + error.offset, error.reason);
      throw error;
    }
  }
  return found;
}

/**
 * Renders a text against `scope`. A text that is exactly one `${{ }}` yields the value itself
 * (a number, an object...); otherwise each expression is replaced by its text (objects as JSON).
 */
export function renderTemplate(text: string, scope: ExpressionScope): unknown {
  const expressions = templateExpressions(text);
  if (expressions.length === 0) return text;
  const only = expressions[0]!;
  if (expressions.length === 1 && isWhole(text)) return evaluate(only.expr, scope, only.source);
  let out = '';
  let last = 0;
  for (const e of expressions) {
    const start = text.lastIndexOf(OPEN, e.offset);
    const end = text.indexOf(CLOSE, e.offset + e.source.length) + CLOSE.length;
    const value = evaluate(e.expr, scope, e.source);
    out +=
      text.slice(last, start) +
      (value === undefined || value === null
        ? ''
        : typeof value === 'string'
          ? value
          : JSON.stringify(value));
    last = end;
  }
  return out + text.slice(last);
}

function isWhole(text: string): boolean {
  const t = text.trim();
  return t.startsWith(OPEN) && t.endsWith(CLOSE) && t.indexOf(OPEN, OPEN.length) < 0;
}

/** Renders every string inside a JSON-like value (objects and lists included). */
export function renderDeep(value: unknown, scope: ExpressionScope): unknown {
  if (typeof value === 'string') return renderTemplate(value, scope);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, scope));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, scope)]));
  }
  return value;
}
