import { type Document, isMap, isScalar, isSeq, type LineCounter } from 'yaml';
import type { z } from 'zod';
import { fieldPosition } from './fieldPosition.js';
import type { FileIssue } from './formatFileIssues.js';

export { type FileIssue, formatFileIssues } from './formatFileIssues.js';

/**
 * zod's message, except for a type error, which says what was expected and what the file has
 * (`got`, e.g. 'string "three"'), or that the field is missing when the file has nothing there.
 */
export function describeZodIssue(issue: z.core.$ZodIssue, got?: string): string {
  if (issue.code === 'invalid_key') return issue.issues.map((i) => i.message).join('; ');
  if (issue.code === 'invalid_type') {
    const expected = issue.expected === 'record' ? 'object' : issue.expected;
    return got === undefined
      ? `required field is missing (expected ${expected})`
      : `wrong type: expected ${expected}, got ${got}`;
  }
  if (issue.code === 'invalid_union' && got !== undefined) {
    const expected = issue.errors
      .flat()
      .map((i) => (i.code === 'invalid_type' ? i.expected : undefined));
    if (expected.length > 0 && expected.every((e) => e !== undefined))
      return `wrong type: expected ${[...new Set(expected)].join(' or ')}, got ${got}`;
  }
  return issue.message;
}

/** What the document has at `path`, in words ('string "three"', 'an array'); undefined when nothing. */
function kindAt(doc: Document, path: readonly (string | number)[]): string | undefined {
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (node === undefined) return undefined;
  if (isMap(node)) return 'an object';
  if (isSeq(node)) return 'an array';
  const value = isScalar(node) ? node.value : node;
  if (value === null) return 'null';
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 39)}…` : text}`;
}

/**
 * A zod issue as file issues at the place in the document it is about: each unknown field at
 * its own key, anything else at its field. `describe` words the message.
 */
export function locateZodIssue(
  doc: Document,
  lines: LineCounter,
  issue: z.core.$ZodIssue,
  describe: (issue: z.core.$ZodIssue, path: readonly (string | number)[]) => string = (
    issue,
    path,
  ) => describeZodIssue(issue, kindAt(doc, path)),
): FileIssue[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? p.toString() : p));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, key].join('.'),
      ...fieldPosition(doc, lines, path, key),
      message: `unknown field "${key}"`,
    }));
  }
  return [
    { path: path.join('.'), ...fieldPosition(doc, lines, path), message: describe(issue, path) },
  ];
}
