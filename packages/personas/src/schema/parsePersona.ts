import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
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
      ...position(lines, keyOffset(doc, path, key) ?? nodeOffset(doc, path)),
      message: `unknown field "${key}"`,
    }));
  }
  return [
    { path: path.join('.'), ...position(lines, nodeOffset(doc, path)), message: describe(issue) },
  ];
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return `required field is missing (expected ${issue.expected})`;
  return issue.message;
}

/**
 * Offset of the deepest part of `path` that the file has: the key that names a field (so a bad
 * value and a missing child both point at the line naming the field), or a list item.
 */
function nodeOffset(doc: Document, path: (string | number)[]): number | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
    const key = path[depth - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    } else if (isSeq(parent) && typeof key === 'number') {
      const item = parent.items[key] as { range?: [number, number, number] } | undefined;
      if (item?.range) return item.range[0];
    }
  }
  return doc.contents?.range?.[0];
}

function keyOffset(doc: Document, path: (string | number)[], key: string): number | undefined {
  const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
}

function position(
  lines: LineCounter,
  offset: number | undefined,
): { line?: number; column?: number } {
  if (offset === undefined) return {};
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}
