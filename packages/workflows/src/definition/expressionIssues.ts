import { fieldPosition } from '@tta-dev/personas';
import type { Document, LineCounter } from 'yaml';
import { checkExpression, type ExpressionContext } from '../expressions/checkExpression.js';
import { isExpressionError } from '../expressions/ExpressionError.js';
import { templateExpressions } from '../expressions/template.js';
import type { WorkflowFileIssue } from './WorkflowFileError.js';

type Path = readonly (string | number)[];

/**
 * Every `${{ }}` in every string of a workflow file (its data as parsed, before the schema) must
 * parse and name only what exists where it is written: known functions and roots, declared
 * inputs, steps that have run by then. Each problem is reported at the field that holds it.
 */
export function expressionIssues(
  doc: Document,
  lines: LineCounter,
  data: unknown,
): WorkflowFileIssue[] {
  const declared = field(data, 'inputs');
  const inputs = typeof declared === 'object' && declared !== null ? Object.keys(declared) : [];
  const stages = listOf(field(data, 'stages'));
  const stepsOf = (s: number): string[] =>
    listOf(field(stages[s], 'steps')).map((step) => String(field(step, 'id') ?? ''));
  const steps = stages.flatMap((_, s) => stepsOf(s));
  /** Which steps have run where the field at `path` is evaluated. */
  const contextAt = (path: Path): ExpressionContext => {
    const [top, s, part, i] = path;
    if (top !== 'stages' || typeof s !== 'number') return { inputs, steps, stepsBefore: 0 };
    const before = stages.slice(0, s).reduce((n: number, _, k) => n + stepsOf(k).length, 0);
    if (part === 'gates') return { inputs, steps, stepsBefore: before + stepsOf(s).length };
    if (part === 'steps' && typeof i === 'number') {
      // A step's own fields, its fallbacks' included, run before its output is known.
      const self = stepsOf(s)[i];
      return { inputs, steps, stepsBefore: before + i, ...(self ? { self } : {}) };
    }
    return { inputs, steps, stepsBefore: before };
  };
  const issues: WorkflowFileIssue[] = [];
  const visit = (value: unknown, path: Path): void => {
    if (typeof value === 'string') {
      if (value.includes('${{')) issues.push(...stringIssues(value, path));
    } else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) visit(v, [...path, i]);
    } else if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
  };
  const stringIssues = (value: string, path: Path): WorkflowFileIssue[] => {
    const at = (message: string): WorkflowFileIssue => ({
      path: path.join('.'),
      ...fieldPosition(doc, lines, path),
      message,
    });
    try {
      const context = contextAt(path);
      return templateExpressions(value).flatMap((e) =>
        checkExpression(e.expr, context).map((p) =>
          at(`${p.reason} in \${{ ${e.source} }} (character ${e.offset + p.at + 1} of the value)`),
        ),
      );
    } catch (error) {
      if (!isExpressionError(error)) throw error;
      return [at(`${error.reason} (character ${error.offset + 1} of the value)`)];
    }
  };
  visit(data, []);
  return issues;
}

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
