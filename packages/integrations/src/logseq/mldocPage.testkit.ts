import { parseLogseqMarkdown } from './emulated/reparseLogseqFile.js';

/**
 * What Logseq sees in a Markdown page file, read with mldoc (Logseq's own parser, called with
 * the config `logseq.graph-parser.mldoc/default-config` builds for Markdown), then put together as
 * Logseq's graph parser does: the first property drawer is the page's properties, each bullet
 * heading a block, nested by its level, with the property drawer after it as its properties.
 */
export interface SeenBlock {
  /** The block's first line as text (inline markup flattened). */
  title: string;
  properties: Record<string, string>;
  /** `#tags` in the block's text. */
  tags: string[];
  /** `[[page]]` links in the block's text and property values. */
  refs: string[];
  /** A task marker (TODO, DONE…), when the block has one. */
  marker?: string;
  /** Heading size (`## x` → 2), when the block is a heading. */
  heading?: number;
  /** The block's other lines, as text. */
  body: string;
  children: SeenBlock[];
}

export interface SeenPage {
  properties: Record<string, string>;
  /** `[[page]]` links in page property values. */
  propertyRefs: Record<string, string[]>;
  blocks: SeenBlock[];
}

type Node = [string, ...unknown[]];
type Inline = [string, ...unknown[]];

export function seePage(text: string): SeenPage {
  const ast = (parseLogseqMarkdown(text) as unknown as [Node, unknown][]).map(([node]) => node);
  const page: SeenPage = { properties: {}, propertyRefs: {}, blocks: [] };
  let i = 0;
  if (ast[0]?.[0] === 'Property_Drawer') {
    for (const [key, value, refs] of ast[0][1] as [string, string, Inline[]][]) {
      page.properties[key.toLowerCase()] = value;
      page.propertyRefs[key.toLowerCase()] = refsOf(refs);
    }
    i = 1;
  }
  const stack: { level: number; block: SeenBlock }[] = [];
  let current: SeenBlock | undefined;
  for (; i < ast.length; i++) {
    const node = ast[i]!;
    if (node[0] === 'Heading') {
      const heading = node[1] as {
        title: Inline[];
        level: number;
        marker?: string;
        size: number | null;
        unordered: boolean;
      };
      if (!heading.unordered)
        throw new Error(`a heading outside any block: ${JSON.stringify(node)}`);
      const block: SeenBlock = {
        title: textOf(heading.title),
        properties: {},
        tags: tagsOf(heading.title),
        refs: refsOf(heading.title),
        body: '',
        children: [],
        ...(heading.marker ? { marker: heading.marker } : {}),
        ...(heading.size ? { heading: heading.size } : {}),
      };
      while (stack.length > 0 && stack.at(-1)!.level >= heading.level) stack.pop();
      (stack.at(-1)?.block.children ?? page.blocks).push(block);
      stack.push({ level: heading.level, block });
      current = block;
    } else if (node[0] === 'Property_Drawer' && current !== undefined) {
      for (const [key, value, refs] of node[1] as [string, string, Inline[]][]) {
        current.properties[key.toLowerCase()] = value;
        current.refs.push(...refsOf(refs));
      }
    } else if (current !== undefined) {
      current.body += `${bodyText(node)}\n`;
      current.tags.push(...tagsOf(node.slice(1) as Inline[]));
    } else if (!(node[0] === 'Paragraph' && textOf(node[1] as Inline[]).trim() === '')) {
      throw new Error(`content before the first block: ${JSON.stringify(node)}`);
    }
  }
  return page;
}

function textOf(inlines: Inline[]): string {
  return inlines
    .map((inline) => {
      const [kind, value] = inline;
      switch (kind) {
        case 'Plain':
        case 'Code':
        case 'Verbatim':
          return String(value);
        case 'Break_Line':
        case 'Hard_Break_Line':
          return '\n';
        case 'Emphasis':
          return textOf((value as [unknown, Inline[]])[1]);
        case 'Tag':
          return `#${textOf(value as Inline[])}`;
        case 'Link': {
          const link = value as { url: [string, string]; full_text: string };
          return link.full_text;
        }
        default:
          return JSON.stringify(inline);
      }
    })
    .join('');
}

function bodyText(node: Node): string {
  if (node[0] === 'Paragraph') return textOf(node[1] as Inline[]);
  if (node[0] === 'Src') return ((node[1] as { lines: string[] }).lines ?? []).join('');
  return JSON.stringify(node);
}

/** Every value of a kind anywhere in an AST (tags and links nest in emphasis, lists…). */
function walk(value: unknown, visit: (inline: Inline) => void): void {
  if (!Array.isArray(value)) {
    if (typeof value === 'object' && value !== null)
      for (const v of Object.values(value)) walk(v, visit);
    return;
  }
  if (typeof value[0] === 'string') visit(value as Inline);
  for (const v of value) walk(v, visit);
}

function tagsOf(ast: unknown): string[] {
  const tags: string[] = [];
  walk(ast, (inline) => {
    if (inline[0] === 'Tag') tags.push(textOf(inline[1] as Inline[]));
  });
  return tags;
}

function refsOf(ast: unknown): string[] {
  const refs: string[] = [];
  walk(ast, (inline) => {
    if (inline[0] === 'Link') {
      const url = (inline[1] as { url: [string, string] }).url;
      if (url[0] === 'Page_ref') refs.push(url[1]);
    }
  });
  return refs;
}
