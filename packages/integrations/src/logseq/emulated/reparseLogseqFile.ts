import { createRequire } from 'node:module';

/** A block as Logseq 0.10.15 reads it back from a page file. */
export interface ReparsedBlock {
  /** From its `id::` property when that is a uuid; null: Logseq gives it a new uuid on load. */
  uuid: string | null;
  /** Its first line, bullet removed. */
  title: string;
  /** Its `key:: value` lines, keys lower-cased. */
  properties: Record<string, string>;
  /** `collapsed:: true`. */
  collapsed: boolean;
  /** A Markdown heading (`# x`: 1) or `heading:: N`/`heading:: true`. */
  heading?: number | true;
  /** `template:: name`: the block is a template. */
  template?: string;
  children: ReparsedBlock[];
}

export interface ReparsedPage {
  /** The leading properties (the pre-block). */
  properties: Record<string, string>;
  blocks: ReparsedBlock[];
}

// Logseq 0.10.15: (gp-mldoc/default-config :markdown), JSON-encoded, nil options removed
// (deps/graph-parser/src/logseq/graph_parser/mldoc.cljc).
const MARKDOWN_CONFIG = JSON.stringify({
  toc: false,
  parse_outline_only: false,
  heading_number: false,
  keep_line_break: true,
  format: 'Markdown',
  heading_to_list: false,
  export_md_remove_options: [],
});

type Positioned = [[string, unknown], { start_pos: number; end_pos: number }];

/** A Markdown text as Logseq's parser (mldoc, with Logseq's config) reads it: positioned nodes. */
export function parseLogseqMarkdown(text: string): Positioned[] {
  const { Mldoc } = createRequire(import.meta.url)('mldoc') as {
    Mldoc: { parseJson(text: string, config: string): string };
  };
  return JSON.parse(Mldoc.parseJson(text, MARKDOWN_CONFIG)) as Positioned[];
}

/**
 * What Logseq 0.10.15 reads from a Markdown page file (mldoc, then the graph parser's
 * `extract-blocks`, deps/graph-parser/src/logseq/graph_parser/block.cljs): every heading mldoc
 * finds, a `- ` bullet or a `#` heading, wherever it starts a line, is a block of its own, nested by
 * its level; a property drawer after it is its properties, where `id`, `collapsed`, `heading` and
 * `template` take effect. Needs the `mldoc` package (Node).
 */
export function reparseLogseqFile(text: string): ReparsedPage {
  const ast = parseLogseqMarkdown(text);
  const page: ReparsedPage = { properties: {}, blocks: [] };
  const stack: { level: number; block: ReparsedBlock }[] = [];
  let current: ReparsedBlock | undefined;
  for (const [[kind, data], pos] of ast) {
    if (kind === 'Heading') {
      const h = data as { level: number; unordered: boolean; size: number | null };
      const line = text.slice(pos.start_pos, pos.end_pos).split('\n')[0] ?? '';
      const block: ReparsedBlock = {
        uuid: null,
        title: line.replace(/^\s*-\s?/, '').trim(),
        properties: {},
        collapsed: false,
        ...(h.size ? { heading: h.size } : {}),
        children: [],
      };
      while (stack.length > 0 && stack.at(-1)!.level >= h.level) stack.pop();
      (stack.at(-1)?.block.children ?? page.blocks).push(block);
      stack.push({ level: h.level, block });
      current = block;
    } else if (kind === 'Property_Drawer') {
      const target = current?.properties ?? page.properties;
      for (const [key, value] of data as [string, string][]) target[key.toLowerCase()] = value;
      if (current) {
        const p = current.properties;
        if (p.id && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(p.id))
          current.uuid = p.id.toLowerCase();
        current.collapsed = p.collapsed === 'true';
        if (p.heading !== undefined)
          current.heading = /^\d+$/.test(p.heading) ? Number(p.heading) : true;
        if (p.template !== undefined) current.template = p.template;
      }
    }
  }
  return page;
}
