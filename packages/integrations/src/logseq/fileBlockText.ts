import { escapeContent } from '@tta-dev/workflows/journal';

/** A line Logseq reads as a property (`key:: value`). */
const PROPERTY_LINE = /^[ \t]*[^\s:]+::(\s|$)/;
const FENCE = /^\s*(`{3,}|~{3,})/;

/**
 * A block's raw text in a file graph, as Logseq keeps it and writes it to the page file: the
 * first line, the `key:: value` lines, then the rest; a text without a title line (one opening
 * fenced code) gets its properties first, where Logseq 0.10.15 puts them
 * (`frontend/util/property.cljs` `insert-property`, `with-built-in-properties`). Content lines
 * Logseq would read as new blocks, headings or properties are escaped (`escapeContent`), so that
 * re-reading the file gives this block back and nothing else.
 */
export function fileBlockText(content: string, properties: Record<string, string>): string {
  const [first = '', ...rest] = escapeContent(content);
  const lines = Object.entries(properties).map(([key, value]) => `${key}:: ${oneLine(value)}`);
  if (FENCE.test(first)) return [...lines, first, ...rest].join('\n');
  return [first, ...lines, ...rest].join('\n');
}

/** A file graph's block text without its property lines. */
export function withoutPropertyLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => !PROPERTY_LINE.test(line))
    .join('\n')
    .trim();
}

export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
