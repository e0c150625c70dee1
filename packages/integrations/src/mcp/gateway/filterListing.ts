import { isAbsolute, join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** Decides whether an absolute path a listing names must be hidden. */
export type IsHidden = (absolute: string) => boolean;

/** `[FILE] name`, `[DIR] name` (server-filesystem's list_directory). */
const KIND_PREFIX = /^\[(FILE|DIR|LINK)\]\s+/i;
/** `name    1.2 KB` (list_directory_with_sizes). */
const SIZE_SUFFIX = /\s+\d+(\.\d+)?\s*(B|KB|MB|GB|TB)$/i;
/** Tree drawing (`├── name`, `│   └── name`). */
const TREE_PREFIX = /^[\s│├└─|`+-]+/;

/**
 * A result of a call on `folders` with the entries that name hidden paths taken out: lines of
 * text that are paths (absolute, or relative to one of the folders), and entries of JSON trees
 * (`[{ name, children }]`, as directory_tree answers). Both the text and the structured content
 * are filtered, so that neither leaks a name the other hides.
 */
export function filterListing(
  result: CallToolResult,
  folders: readonly string[],
  hidden: IsHidden,
): CallToolResult {
  if (folders.length === 0) return result;
  const filterText = (text: string) => filterTextListing(text, folders, hidden);
  return {
    ...result,
    content: result.content.map((block) =>
      block.type === 'text' ? { ...block, text: filterText(block.text) } : block,
    ),
    ...(result.structuredContent === undefined
      ? {}
      : {
          structuredContent: mapStrings(result.structuredContent, filterText) as Record<
            string,
            unknown
          >,
        }),
  };
}

function filterTextListing(text: string, folders: readonly string[], hidden: IsHidden): string {
  const tree = parseTree(text);
  if (tree !== undefined)
    return JSON.stringify(
      folders.reduce((entries, folder) => pruneTree(entries, folder, hidden), tree),
      null,
      2,
    );
  const names = (line: string) => {
    const bare = line.trim().replace(KIND_PREFIX, '').replace(TREE_PREFIX, '');
    const sized = bare.replace(SIZE_SUFFIX, '');
    return (sized === bare ? [bare] : [bare, sized]).filter((n) => n !== '');
  };
  const isHiddenLine = (line: string) =>
    names(line).some((name) =>
      isAbsolute(name) ? hidden(name) : folders.some((folder) => hidden(join(folder, name))),
    );
  return text
    .split('\n')
    .filter((line) => !isHiddenLine(line))
    .join('\n');
}

interface TreeEntry {
  name: string;
  children?: TreeEntry[];
}

function parseTree(text: string): TreeEntry[] | undefined {
  if (!text.trimStart().startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isTree(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isTree(value: unknown): value is TreeEntry[] {
  return (
    Array.isArray(value) &&
    value.every(
      (e) =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as TreeEntry).name === 'string' &&
        ((e as TreeEntry).children === undefined || isTree((e as TreeEntry).children)),
    )
  );
}

function pruneTree(entries: TreeEntry[], folder: string, hidden: IsHidden): TreeEntry[] {
  return entries
    .filter((entry) => !hidden(join(folder, entry.name)))
    .map((entry) =>
      entry.children === undefined
        ? entry
        : { ...entry, children: pruneTree(entry.children, join(folder, entry.name), hidden) },
    );
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)]));
  return value;
}
