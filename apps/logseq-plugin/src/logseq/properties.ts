import type { JournalPropertyValue } from '@tta-dev/workflows/journal';

/**
 * A property value as a file graph keeps it, on one `key:: value` line: a list of page names
 * becomes links, which is how Logseq reads a list of pages.
 */
export function filePropertyText(value: JournalPropertyValue): string {
  if (Array.isArray(value)) return value.map((name) => `[[${oneLine(name)}]]`).join(', ');
  return oneLine(String(value));
}

/**
 * A property value as a DB graph takes it through `upsertBlockProperty`: numbers stay numbers
 * (the property gets the number type), lists become multi-valued properties.
 */
export function dbPropertyValue(value: JournalPropertyValue): string | number | string[] {
  return Array.isArray(value)
    ? value.map(oneLine)
    : typeof value === 'number'
      ? value
      : oneLine(value);
}

/**
 * Logseq's own properties (`logseq.order-list-type`) are built-in properties with closed values in
 * DB graphs, which a plugin cannot set by name: only file graphs get them.
 */
export function isLogseqProperty(key: string): boolean {
  return key.startsWith('logseq.');
}

/**
 * A block's raw text in a file graph: the first line, the `key:: value` lines, then the rest.
 * Logseq reads properties only right under a block's first line, except after a fenced code block,
 * which they follow.
 */
export function fileBlockContent(content: string, properties: Record<string, string>): string {
  const lines = Object.entries(properties).map(([key, value]) => `${key}:: ${oneLine(value)}`);
  if (lines.length === 0) return content;
  const [first = '', ...rest] = content.split('\n');
  if (/^\s*(`{3,}|~{3,})/.test(first)) return [content, ...lines].join('\n');
  return [first, ...lines, ...rest].join('\n');
}

/**
 * A property of a page or block as the SDK returns it: file graphs give camelCase keys (`runId`),
 * DB graphs namespaced ones (`:plugin.property.<plugin>/run-id`); a value may be a list (page
 * links). Gives the first text value.
 */
export function propertyOf(
  properties: Record<string, unknown> | undefined,
  key: string,
): string | undefined {
  if (properties === undefined) return undefined;
  const camel = key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  for (const [name, value] of Object.entries(properties)) {
    const bare = name.replace(/^:/, '');
    if (bare !== key && bare !== camel && !bare.endsWith(`/${key}`)) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' || typeof first === 'number') return String(first);
  }
  return undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
