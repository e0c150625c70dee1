import { type Document, LineCounter, parseDocument } from 'yaml';
import { offsetPosition } from './fieldPosition.js';
import type { FileIssue } from './formatFileIssues.js';

/**
 * The most alias expansions a user's YAML file may make (yaml's `maxAliasCount`): a file that
 * expands beyond it (a "billion laughs" alias bomb) is refused instead of filling the memory.
 */
export const MAX_YAML_ALIAS_COUNT = 100;

/** A user's YAML (or JSON) file, parsed: its document and line counter, to locate fields, and its data. */
export type ParsedYamlFile =
  | {
      readonly ok: true;
      readonly doc: Document;
      readonly lines: LineCounter;
      readonly data: unknown;
    }
  | { readonly ok: false; readonly issues: readonly FileIssue[] };

/**
 * Parses the text of a user's YAML file (a persona, a workflow): duplicate keys and syntax errors
 * are issues at their line, and so is a file whose aliases expand too far. Shared by the loaders,
 * so that they read files the same way.
 */
export function parseYamlFile(text: string): ParsedYamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({
        path: '',
        ...offsetPosition(lines, e.pos[0]),
        message: e.message.split('\n')[0] ?? e.message,
      })),
    };
  }
  try {
    return { ok: true, doc, lines, data: doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT }) };
  } catch (error) {
    const message = (error as Error).message;
    return {
      ok: false,
      issues: [
        {
          path: '',
          message: /alias count/i.test(message)
            ? `its aliases (*name) expand too far (more than ${MAX_YAML_ALIAS_COUNT} times): refused as a possible alias bomb; write the values out or use fewer aliases`
            : message,
        },
      ],
    };
  }
}
