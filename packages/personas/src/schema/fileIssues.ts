import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { fieldPosition } from './fieldPosition.js';

/** One problem in a user's file (persona, workflow, MCP servers), located as precisely as it allows. */
export interface FileIssue {
  /** Dotted path of the field, e.g. `security.blockList.2`; empty for the whole document. */
  readonly path: string;
  /** 1-based line and column, when the field (or its nearest parent) is in the file. */
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** The issues as indented `file:line:column path: message` lines, for error messages. */
export function formatFileIssues(file: string, issues: readonly FileIssue[]): string {
  return issues
    .map(
      (i) =>
        `  ${file}${i.line === undefined ? '' : `:${i.line}:${i.column ?? 1}`} ${i.path || '(document)'}: ${i.message}`,
    )
    .join('\n');
}

/** zod's message, except for a missing field, which it words as a type error. */
export function describeZodIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return `required field is missing (expected ${issue.expected})`;
  return issue.message;
}

/**
 * A zod issue as file issues at the place in the document it is about: each unknown field at
 * its own key, anything else at its field. `describe` words the message.
 */
export function locateZodIssue(
  doc: Document,
  lines: LineCounter,
  issue: z.core.$ZodIssue,
  describe: (
    issue: z.core.$ZodIssue,
    path: readonly (string | number)[],
  ) => string = describeZodIssue,
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
