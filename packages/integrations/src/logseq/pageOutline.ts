import {
  escapeContent,
  type JournalBlock,
  type JournalPropertyValue,
} from '@tta-dev/workflows/journal';

/** A block of a Markdown page file as written: its lines kept byte for byte. */
export interface OutlineBlock {
  /** The whitespace before its `- `. */
  readonly indent: string;
  /** Its lines, the bullet line first, each with its indentation. */
  readonly lines: string[];
  /** Its `id::` property, lower-cased, when it has one. */
  readonly id?: string;
  readonly children: OutlineBlock[];
}

/** A Markdown page file of a Logseq graph: the lines before the first block, then the blocks. */
export interface PageOutline {
  /** Page properties (`key:: value`) and whatever else precedes the first bullet. */
  readonly preamble: string[];
  readonly blocks: OutlineBlock[];
}

const BULLET = /^([ \t]*)-(?:[ \t]|$)/;
const PROPERTY = /^[ \t]*([^\s:]+)::(?:[ \t]+(.*?))?[ \t]*$/;
const ID = /^[ \t]*id::[ \t]*([0-9a-fA-F-]{36})[ \t]*$/;
const FENCE = /^[ \t]*(`{3,}|~{3,})/;

/**
 * Splits a page file into its outline the way Logseq's Markdown format nests blocks: a line
 * starting with `-` after its indentation opens a block, deeper than the blocks before it with
 * less indentation; other lines (and everything inside a fenced code block) belong to the block
 * above.
 */
export function parsePageOutline(text: string): PageOutline {
  const preamble: string[] = [];
  const roots: Draft[] = [];
  const stack: Draft[] = [];
  let fence: string | undefined;
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    const current = stack.at(-1);
    const bullet = fence === undefined ? BULLET.exec(line) : null;
    if (bullet) {
      const indent = bullet[1]!;
      const width = widthOf(indent);
      while (stack.length > 0 && widthOf(stack.at(-1)!.indent) >= width) stack.pop();
      const block: Draft = { indent, lines: [line], children: [] };
      (stack.at(-1)?.children ?? roots).push(block);
      stack.push(block);
      const opened = FENCE.exec(line.slice(bullet[0].length));
      if (opened) fence = opened[1]![0]!.repeat(3);
      continue;
    }
    if (current === undefined) preamble.push(line);
    else current.lines.push(line);
    const opened = FENCE.exec(line);
    if (opened && current !== undefined) {
      if (fence === undefined) fence = opened[1]![0]!.repeat(3);
      else if (line.trim().startsWith(fence)) fence = undefined;
    }
  }
  return { preamble, blocks: roots.map(finish) };
}

interface Draft {
  indent: string;
  lines: string[];
  children: Draft[];
}

function finish(draft: Draft): OutlineBlock {
  let id: string | undefined;
  let inFence = false;
  for (const [i, raw] of draft.lines.entries()) {
    const line = i === 0 ? raw.replace(BULLET, '$1') : raw;
    if (FENCE.test(line)) inFence = !inFence;
    const found = !inFence && ID.exec(line);
    if (found) {
      id = found[1]!.toLowerCase();
      break;
    }
  }
  return {
    indent: draft.indent,
    lines: draft.lines,
    ...(id === undefined ? {} : { id }),
    children: draft.children.map(finish),
  };
}

function widthOf(indent: string): number {
  let width = 0;
  for (const c of indent) width += c === '\t' ? 2 : 1;
  return width;
}

/** Page properties from the preamble lines, in order. */
export function preambleProperties(preamble: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const line of preamble) {
    const found = PROPERTY.exec(line);
    if (found) out.push([found[1]!.toLowerCase(), found[2] ?? '']);
  }
  return out;
}

/**
 * Older Logseq versions keep page properties in a first block holding only properties
 * (`- title:: …`): such a block counts as the preamble.
 */
export function propertiesBlock(block: OutlineBlock | undefined): string[] | undefined {
  if (block === undefined || block.children.length > 0) return undefined;
  const lines = [block.lines[0]!.replace(BULLET, '$1'), ...block.lines.slice(1)];
  return lines.every((line) => PROPERTY.test(line)) ? lines.map((l) => l.trim()) : undefined;
}

/** A page property's value as Logseq reads it: lists of page names as `[[links]]`. */
export function propertyText(key: string, value: JournalPropertyValue): string {
  if (Array.isArray(value))
    return key === 'tags' || key === 'alias'
      ? value.join(', ')
      : value.map((name) => `[[${name}]]`).join(', ');
  return oneLine(String(value));
}

/** The page's property lines: `title::` first, then the given ones, then a person's others. */
export function renderPreamble(
  title: string,
  properties: Record<string, JournalPropertyValue>,
  previous: readonly string[],
): string[] {
  const ours = new Map<string, string>([['title', oneLine(title)]]);
  for (const [key, value] of Object.entries(properties)) ours.set(key, propertyText(key, value));
  const lines = [...ours].map(([key, value]) => `${key}:: ${value}`);
  for (const [key, value] of preambleProperties(previous))
    if (!ours.has(key)) lines.push(`${key}:: ${value}`);
  return lines;
}

/**
 * The blocks of a page after writing `fresh` into `old`: each of our blocks (`ours(id)`) is
 * replaced by the fresh block with its uuid, or removed when not given any more; fresh blocks
 * come in their order; a person's blocks stay, after the block of ours they followed (at the
 * start when none), and a person's blocks under a removed block of ours move up to its level.
 */
export function mergeBlocks(
  old: readonly OutlineBlock[],
  fresh: readonly JournalBlock[],
  ours: (id: string) => boolean,
  depth = 0,
): string[] {
  const oldOurs = new Map<string, OutlineBlock>();
  const anchored = new Map<string | null, OutlineBlock[]>();
  let anchor: string | null = null;
  for (const block of old) {
    if (block.id !== undefined && ours(block.id)) {
      oldOurs.set(block.id, block);
      anchor = block.id;
    } else anchored.set(anchor, [...(anchored.get(anchor) ?? []), block]);
  }
  const freshIds = new Set(fresh.map((b) => b.uuid.toLowerCase()));
  const out: string[] = [];
  const keep = (blocks: readonly OutlineBlock[] | undefined) => {
    for (const block of blocks ?? []) out.push(...renderKept(block, depth));
  };
  keep(anchored.get(null));
  for (const block of fresh) {
    const id = block.uuid.toLowerCase();
    out.push(...renderBlock(block, depth));
    out.push(...mergeBlocks(oldOurs.get(id)?.children ?? [], block.children, ours, depth + 1));
    keep(anchored.get(id));
  }
  for (const [id, block] of oldOurs) {
    if (freshIds.has(id)) continue;
    keep(personsUnder(block, ours));
    keep(anchored.get(id));
  }
  return out;
}

/** A person's blocks under a block of ours, through any of ours in between. */
function personsUnder(block: OutlineBlock, ours: (id: string) => boolean): OutlineBlock[] {
  return block.children.flatMap((child) =>
    child.id !== undefined && ours(child.id) ? personsUnder(child, ours) : [child],
  );
}

/** A block someone else wrote, as it was; re-indented only when it moved to another depth. */
function renderKept(block: OutlineBlock, depth: number): string[] {
  const indent = '\t'.repeat(depth);
  if (block.indent === indent) return flatten(block);
  const reindent = (b: OutlineBlock, to: string): string[] => [
    ...b.lines.map((line) => (line.startsWith(b.indent) ? to + line.slice(b.indent.length) : line)),
    ...b.children.flatMap((child) => reindent(child, `${to}\t`)),
  ];
  return reindent(block, indent);
}

function flatten(block: OutlineBlock): string[] {
  return [...block.lines, ...block.children.flatMap(flatten)];
}

/** One of our blocks (without its children): content, `id::`, properties, the rest. */
export function renderBlock(block: JournalBlock, depth: number): string[] {
  const indent = '\t'.repeat(depth);
  const [first = '', ...rest] = escapeContent(block.content);
  const properties = [
    `id:: ${block.uuid}`,
    ...Object.entries(block.properties).map(([key, value]) => `${key}:: ${oneLine(value)}`),
  ];
  const head = [`${indent}- ${first}`.trimEnd()];
  const props = properties.map((line) => `${indent}  ${line}`);
  const body = rest.map((line) => (line === '' ? '' : `${indent}  ${line}`));
  // Properties follow the first line, unless it opens a code block: then they follow the block.
  return FENCE.test(first) ? [...head, ...body, ...props] : [...head, ...props, ...body];
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
