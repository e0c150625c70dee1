import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LogseqError } from './LogseqError.js';
import type { LogseqFileNameFormat } from './logseqFileName.js';

/** What a file graph's `logseq/config.edn` says about where and how pages are written. */
export interface GraphConfig {
  /** `:file/name-format`: `:triple-lowbar`, or legacy when the key is absent (older graphs). */
  readonly fileNameFormat: LogseqFileNameFormat;
  /** `:journal/file-name-format`, default `yyyy_MM_dd`. */
  readonly journalFileNameFormat: string;
  /** `:pages-directory`, default `pages`. */
  readonly pagesDirectory: string;
  /** `:journals-directory`, default `journals`. */
  readonly journalsDirectory: string;
  /** Whether the file exists (a new graph gets one, so Logseq reads our file names right). */
  readonly exists: boolean;
}

export const CONFIG_FILE = join('logseq', 'config.edn');

export const NEW_GRAPH_CONFIG = `;; Written by tta for a new graph; Logseq adds its defaults to the keys given here.
{:meta/version 1
 :file/name-format :triple-lowbar}
`;

/**
 * Reads the keys we need from `logseq/config.edn` (top-level keys of its map, with a small EDN
 * tokenizer rather than a full reader). A key given a value of the wrong kind is a `LogseqError`
 * naming the file and line; a missing file is a new graph, with Logseq's defaults.
 */
export async function readGraphConfig(graph: string): Promise<GraphConfig> {
  const file = join(graph, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return {
      fileNameFormat: 'triple-lowbar',
      journalFileNameFormat: 'yyyy_MM_dd',
      pagesDirectory: 'pages',
      journalsDirectory: 'journals',
      exists: false,
    };
  }
  const entries = topLevelEntries(text);
  const value = (key: string) => entries.get(key);
  const string = (key: string, fallback: string): string => {
    const found = value(key);
    if (found === undefined) return fallback;
    if (!/^"(.*)"$/s.test(found.raw) || found.raw.length < 3)
      throw new LogseqError(
        'config',
        `${file}:${found.line}: ${key} must be a non-empty string, e.g. "${fallback}"; it is ${found.raw}`,
      );
    return JSON.parse(found.raw) as string;
  };
  const format = value(':file/name-format');
  if (format !== undefined && format.raw !== ':triple-lowbar' && format.raw !== ':legacy')
    throw new LogseqError(
      'config',
      `${file}:${format.line}: :file/name-format must be :triple-lowbar or :legacy; it is ${format.raw}`,
    );
  return {
    fileNameFormat: format?.raw === ':triple-lowbar' ? 'triple-lowbar' : 'legacy',
    journalFileNameFormat: string(':journal/file-name-format', 'yyyy_MM_dd'),
    pagesDirectory: string(':pages-directory', 'pages'),
    journalsDirectory: string(':journals-directory', 'journals'),
    exists: true,
  };
}

interface Token {
  readonly text: string;
  readonly line: number;
}

/**
 * The top-level keys of an EDN map with their values' text (a nested collection as its opening
 * bracket only: we never need those), from a tokenizer that knows strings, `;` comments and
 * brackets.
 */
function topLevelEntries(text: string): Map<string, { raw: string; line: number }> {
  const tokens: Token[] = [];
  let line = 1;
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/[\s,]/.test(c)) i++;
    else if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const raw = text.slice(i, j + 1);
      tokens.push({ text: raw, line });
      line += raw.split('\n').length - 1;
      i = j + 1;
    } else if ('{}[]()'.includes(c)) {
      tokens.push({ text: c, line });
      i++;
    } else if (c === '#' && text[i + 1] === '{') {
      tokens.push({ text: '#{', line });
      i += 2;
    } else {
      let j = i;
      while (j < text.length && !/[\s,;"{}[\]()]/.test(text[j]!)) j++;
      tokens.push({ text: text.slice(i, j), line });
      i = j;
    }
  }
  const entries = new Map<string, { raw: string; line: number }>();
  let depth = 0;
  let key: Token | undefined;
  for (const token of tokens) {
    const opens = ['{', '[', '(', '#{'].includes(token.text);
    const closes = ['}', ']', ')'].includes(token.text);
    if (depth === 1 && !closes) {
      if (key === undefined) key = token;
      else {
        entries.set(key.text, { raw: token.text, line: token.line });
        key = undefined;
      }
    }
    if (opens) depth++;
    if (closes) depth--;
  }
  return entries;
}
