import {
  fieldPosition,
  locateZodIssue,
  offsetPosition,
  type PersonaRegistry,
} from '@tta-dev/personas';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { isExpressionError } from '../expressions/ExpressionError.js';
import { templateExpressions } from '../expressions/template.js';
import { WorkflowFileError, type WorkflowFileIssue } from './WorkflowFileError.js';
import { type WorkflowDefinition, WorkflowSchema } from './WorkflowSchema.js';

export interface ParseWorkflowOptions {
  /** When given, every stage's persona must resolve in it (by name, alias or chat mode). */
  registry?: PersonaRegistry;
}

type Path = (string | number)[];

/**
 * Parses and validates a workflow file's text (YAML): the schema, every `${{ }}` expression, and
 * (with a registry) every stage's persona. All problems are reported at once, each with the
 * file, line, column and dotted path.
 */
export function parseWorkflow(
  file: string,
  text: string,
  options: ParseWorkflowOptions = {},
): WorkflowDefinition {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new WorkflowFileError(
      file,
      doc.errors.map((e) => ({
        path: '',
        ...offsetPosition(lines, e.pos[0]),
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  const data: unknown = doc.toJS();
  const issues: WorkflowFileIssue[] = [...expressionIssues(doc, lines, data, [])];
  const result = WorkflowSchema.safeParse(data);
  if (!result.success)
    issues.push(...result.error.issues.flatMap((issue) => locateZodIssue(doc, lines, issue)));
  if (result.success && options.registry !== undefined) {
    result.data.stages.forEach((stage, s) => {
      if (options.registry!.resolve(stage.persona) !== undefined) return;
      const suggestions = options.registry!.suggest(stage.persona);
      issues.push({
        path: `stages.${s}.persona`,
        ...fieldPosition(doc, lines, ['stages', s, 'persona']),
        message: `unknown persona "${stage.persona}"${suggestions.length > 0 ? `; did you mean ${suggestions.map((n) => `"${n}"`).join(', ')}?` : ''}`,
      });
    });
  }
  if (issues.length > 0) throw new WorkflowFileError(file, issues);
  return result.data!;
}

/** Every `${{ }}` in every string of the file must parse; reported where it is written. */
function expressionIssues(
  doc: Document,
  lines: LineCounter,
  value: unknown,
  path: Path,
): WorkflowFileIssue[] {
  if (typeof value === 'string') {
    if (!value.includes('${{')) return [];
    try {
      templateExpressions(value);
      return [];
    } catch (error) {
      if (!isExpressionError(error)) throw error;
      const where = fieldPosition(doc, lines, path);
      return [
        {
          path: path.join('.'),
          ...where,
          message: `${error.reason} (character ${error.offset + 1} of the value)`,
        },
      ];
    }
  }
  if (Array.isArray(value))
    return value.flatMap((v, i) => expressionIssues(doc, lines, v, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => expressionIssues(doc, lines, v, [...path, k]));
  }
  return [];
}
