import { type Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { fieldPosition } from './fieldPosition.js';
import { PersonaFileError, type PersonaFileIssue } from './PersonaFileError.js';
import { type Persona, PersonaSchema } from './PersonaSchema.js';

/**
 * Parses and validates the text of a persona file (YAML, or JSON, which YAML reads too). Errors
 * name the file, the line and column, and the dotted path of every bad field.
 */
export function parsePersona(file: string, text: string): Persona {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PersonaFileError(
      file,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          path: '',
          line: pos.line,
          column: pos.col,
          message: e.message.split('\n')[0] ?? e.message,
        };
      }),
    );
  }
  const data: unknown = doc.toJS();
  const result = PersonaSchema.safeParse(data);
  if (result.success) return result.data;
  throw new PersonaFileError(
    file,
    result.error.issues.flatMap((issue) => locate(doc, lineCounter, issue)),
  );
}

function locate(doc: Document, lines: LineCounter, issue: z.core.$ZodIssue): PersonaFileIssue[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? p.toString() : p));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, key].join('.'),
      ...fieldPosition(doc, lines, path, key),
      message: `unknown field "${key}"`,
    }));
  }
  return [{ path: path.join('.'), ...fieldPosition(doc, lines, path), message: describe(issue) }];
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return `required field is missing (expected ${issue.expected})`;
  return issue.message;
}
