import type { JournalBlock } from './JournalPage.js';

/**
 * Markdown as Logseq blocks, the way a person would outline it in Logseq: a heading holds what
 * follows it (deeper headings nest), each paragraph, fenced code or table is a block, each list
 * item is a block nested by its indentation. Task items become `TODO`/`DONE` blocks and numbered
 * items keep their numbering through Logseq's `logseq.order-list-type:: number`.
 *
 * `uuidOf` gives the uuid of the block at a position (`"0"`, `"0.2"`…), so that the same text
 * always yields the same uuids.
 */
export function markdownBlocks(markdown: string, uuidOf: (path: string) => string): JournalBlock[] {
  const root: Draft[] = [];
  const headings: { level: number; block: Draft }[] = [];
  let list: { indent: number; block: Draft }[] = [];
  let paragraph: Draft | undefined;
  let fence: { marker: string; indent: number; block: Draft } | undefined;

  const container = (): Draft[] => headings.at(-1)?.block.children ?? root;
  const add = (block: Draft, into: Draft[] = container()): Draft => {
    into.push(block);
    return block;
  };

  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (fence !== undefined) {
      fence.block.lines.push(line.slice(Math.min(fence.indent, indentOf(line))));
      if (line.trim().startsWith(fence.marker)) fence = undefined;
      continue;
    }
    const fenceStart = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fenceStart) {
      paragraph = undefined;
      const inList = list.at(-1);
      const block = draft(line.trimStart());
      // A fence indented under a list item belongs to that item.
      if (inList !== undefined && indentOf(line) > inList.indent) add(block, inList.block.children);
      else {
        list = [];
        add(block);
      }
      fence = { marker: fenceStart[1]!, indent: indentOf(line), block };
      continue;
    }
    if (line.trim() === '') {
      paragraph = undefined;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      paragraph = undefined;
      list = [];
      const level = heading[1]!.length;
      while ((headings.at(-1)?.level ?? 0) >= level) headings.pop();
      headings.push({ level, block: add(draft(line.trim())) });
      continue;
    }
    const item = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      paragraph = undefined;
      const indent = item[1]!.replace(/\t/g, '  ').length;
      const block = draft(listItemText(item[3]!));
      if (/^\d/.test(item[2]!)) block.properties['logseq.order-list-type'] = 'number';
      while (list.length > 0 && list.at(-1)!.indent >= indent) list.pop();
      add(block, list.at(-1)?.block.children ?? container());
      list.push({ indent, block });
      paragraph = block;
      continue;
    }
    if (paragraph !== undefined) {
      // A continuation line of the paragraph or list item above (no blank line between).
      paragraph.lines.push(line.trim());
      continue;
    }
    const inList = list.at(-1);
    if (inList !== undefined && indentOf(line) > inList.indent) {
      // A further paragraph of a list item, indented under it.
      paragraph = add(draft(line.trim()), inList.block.children);
      continue;
    }
    list = [];
    paragraph = add(draft(line.trim()));
  }
  return root.map((block, i) => finish(block, String(i), uuidOf));
}

interface Draft {
  lines: string[];
  properties: Record<string, string>;
  children: Draft[];
}

function draft(first: string): Draft {
  return { lines: [first], properties: {}, children: [] };
}

function finish(block: Draft, path: string, uuidOf: (path: string) => string): JournalBlock {
  return {
    uuid: uuidOf(path),
    content: block.lines.join('\n'),
    properties: block.properties,
    children: block.children.map((child, i) => finish(child, `${path}.${i}`, uuidOf)),
  };
}

function listItemText(text: string): string {
  const task = /^\[([ xX])\]\s+(.*)$/.exec(text);
  if (task) return `${task[1] === ' ' ? 'TODO' : 'DONE'} ${task[2]}`;
  return text;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}
