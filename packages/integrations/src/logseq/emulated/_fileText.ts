/**
 * A 0.10.15 block's text and its properties: how Logseq reads `key:: value` lines and writes them
 * back. Citations at tag 0.10.15.
 */

export interface Parsed {
  properties: Record<string, unknown>;
  order: string[];
  text: Record<string, unknown>;
  preBlock: boolean;
}

/** `key:: value` as mldoc reads a Markdown property line. */
export const PROPERTY_LINE = /^\s*([^\s:][^\s]*?)::(?:[ \t]+(.*?))?\s*$/;

/**
 * Built-in properties whose values are kept as text (0.10.15
 * deps/graph-parser/src/logseq/graph_parser/property.cljs `unparsed-built-in-properties`), and the
 * hidden ones `with-built-in-properties` (src/main/frontend/util/property.cljs:180) carries over
 * when a block's text is replaced.
 */
const UNPARSED = new Set([
  'id',
  'custom-id',
  'background-color',
  'background_color',
  'query-properties',
  'query-sort-by',
  'ls-type',
  'hl-type',
  'hl-color',
  'logseq.macro-name',
  'logseq.macro-arguments',
  'logseq.order-list-type',
  'logseq.tldraw.page',
  'logseq.tldraw.shape',
  'title',
  'icon',
  'template',
  'filters',
  'macro',
  'filetags',
]);
export const BUILT_IN_KEPT = ['id', 'collapsed', 'heading', 'custom-id', 'background-color'];
/** `editable-linkable-built-in-properties`: values split by commas into page refs. */
const COMMA_REFS = new Set(['alias', 'tags']);

/**
 * `gp-text/parse-property` (deps/graph-parser/src/logseq/graph_parser/text.cljs:165): text for
 * unparsed built-ins and quoted values, page refs (`[[x]]`, `#x`, commas for tags/alias) as a
 * set, `true`/`false`, digits as an integer, else the text.
 */
function parseValue(key: string, raw: string): unknown {
  const v = raw.trim();
  if (UNPARSED.has(key) || /^(".*"|'.*')$/.test(v)) return v;
  const refs = new Set<string>();
  for (const m of v.matchAll(/\[\[([^\]]+)\]\]|(?:^|\s)#([^\s#,[]+)/g)) refs.add((m[1] ?? m[2])!);
  if (COMMA_REFS.has(key))
    for (const part of v.replace(/\[\[[^\]]+\]\]|#\S+/g, '').split(/[,，]/))
      if (part.trim() !== '') refs.add(part.trim());
  if (refs.size > 0) return [...refs];
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

/**
 * The properties Logseq reads from a block's text: the `key:: value` lines right under its first
 * line, or from its first line on when it starts with one; such a block is the page's pre-block
 * when it is the page's first (`wrap-parse-block`, src/main/frontend/handler/editor.cljs:298).
 */
export function parseContent(content: string, firstOfPage: boolean): Parsed {
  const lines = content.split('\n');
  const start = hasTitle(lines) ? 1 : 0;
  const parsed: Parsed = {
    properties: {},
    order: [],
    text: {},
    preBlock: PROPERTY_LINE.test(lines[0] ?? '') && firstOfPage,
  };
  for (const line of lines.slice(start)) {
    const m = PROPERTY_LINE.exec(line);
    if (!m) break;
    // extract-properties (deps/graph-parser/src/logseq/graph_parser/block.cljs:204): lower-cased,
    // spaces and `_` as `-`, custom-id as id.
    let key = m[1]!.toLowerCase().replaceAll(' ', '-').replaceAll('_', '-');
    if (key === 'custom-id') key = 'id';
    const raw = m[2] ?? '';
    if (!(key in parsed.properties)) parsed.order.push(key);
    parsed.properties[key] = parseValue(key, raw);
    parsed.text[key] = raw;
  }
  return parsed;
}

/**
 * A property value written to text: `insert-property` (src/main/frontend/util/property.cljs:252)
 * takes `(string/trim (str value))` of the value bean/->clj made, so a list is a printed Clojure
 * vector (`["a" "b"]`), not page refs.
 */
export function valueText(value: unknown): string {
  const str = (v: unknown, nested: boolean): string =>
    v === null || v === undefined
      ? nested
        ? 'nil'
        : ''
      : Array.isArray(v)
        ? `[${v.map((x) => str(x, true)).join(' ')}]`
        : typeof v === 'object'
          ? `{${Object.entries(v)
              .map(([k, x]) => `:${k} ${str(x, true)}`)
              .join(', ')}}`
          : typeof v === 'string' && nested
            ? JSON.stringify(v)
            : String(v);
  return str(value, false).trim();
}

/**
 * Whether a text's first line is its title (`block-content/has-title?`, 0.10.15
 * src/main/frontend/util/block_content.cljs:13): mldoc's first element is a Paragraph, Raw_Html,
 * Hiccup or Heading (src/main/frontend/format/mldoc.cljs:36 `block-with-title?`), not a
 * property, fenced code (Src), a quote or a table.
 */
export function hasTitle(lines: readonly string[]): boolean {
  const first = lines[0];
  return first !== undefined && !PROPERTY_LINE.test(first) && !/^\s*(`{3,}|~{3,}|>|\|)/.test(first);
}

/**
 * `property/insert-properties` (src/main/frontend/util/property.cljs:226 `insert-property`):
 * each property replaces its line, or is added after the block's title line (and its other
 * properties); a text without a title gets them first.
 */
export function insertProperties(content: string, properties: Record<string, unknown>): string {
  const lines = content === '' ? [] : content.split('\n');
  const start = hasTitle(lines) ? 1 : 0;
  let end = start;
  while (end < lines.length && PROPERTY_LINE.test(lines[end]!)) end++;
  const area = lines.slice(start, end);
  for (const [key, value] of Object.entries(properties)) {
    if (value === undefined || value === null) continue;
    const line = `${key}:: ${valueText(value)}`;
    const at = area.findIndex(
      (l) => PROPERTY_LINE.exec(l)?.[1]?.toLowerCase() === key.toLowerCase(),
    );
    if (at >= 0) area[at] = line;
    else area.push(line);
  }
  return [...lines.slice(0, start), ...area, ...lines.slice(end)].join('\n');
}

/**
 * `with-built-in-properties` (src/main/frontend/util/property.cljs:180): the title, the built-in
 * properties the new text lacks, then every property line of the text (wherever it was), then
 * the rest.
 */
export function withBuiltIn(content: string, kept: Record<string, unknown>): string {
  const lines = content.split('\n');
  const [title, rest] = hasTitle(lines) ? [lines.slice(0, 1), lines.slice(1)] : [[], lines];
  const props = rest.filter((l) => PROPERTY_LINE.test(l));
  const body = rest.filter((l) => !PROPERTY_LINE.test(l));
  const builtIn = Object.entries(kept).map(([k, v]) => `${k}:: ${valueText(v)}`);
  return [...title, ...builtIn, ...props, ...body].join('\n');
}

/** `property/remove-properties`: the block's property lines removed. */
export function removeProperties(content: string): string {
  const lines = content.split('\n');
  const start = hasTitle(lines) ? 1 : 0;
  let end = start;
  while (end < lines.length && PROPERTY_LINE.test(lines[end]!)) end++;
  return [...lines.slice(0, start), ...lines.slice(end)].join('\n');
}
