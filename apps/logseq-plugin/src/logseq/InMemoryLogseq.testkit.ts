import type {
  InsertBlockOptions,
  LogseqBlock,
  LogseqEditor,
  LogseqHost,
  LogseqPage,
} from './LogseqHost.js';

/** The plugin id DB graphs namespace a plugin's properties with. */
const PLUGIN_ID = 'logseq-plugin-tta';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROPERTY_LINE = /^([A-Za-z0-9_.-]+):: ?(.*)$/;

interface PageRecord {
  id: number;
  uuid: string;
  /** As written. */
  title: string;
  /** DB graphs: property values on the page entity, by plugin property ident. */
  properties: Map<string, unknown>;
  /** DB graphs: the tags (classes) of the page, by name. */
  tags: Set<string>;
  /** DB graphs: whether the page is a tag (a class). */
  isClass: boolean;
  children: string[];
}

interface BlockRecord {
  id: number;
  uuid: string;
  page: number;
  parent: string | undefined;
  /** File graphs: the raw text with its property lines; DB graphs: the title. */
  content: string;
  /** DB graphs only: property values by ident. */
  properties: Map<string, unknown>;
  children: string[];
}

/**
 * Logseq behind its plugin API, in memory, as a file graph or a DB graph behaves for the calls
 * the plugin makes (see `LogseqHost`): file graphs keep properties as `key:: value` lines in a
 * block's text and page properties in the page's first block, return camelCase property keys,
 * and replace the whole text on `updateBlock`; DB graphs keep properties on the entities under
 * the plugin's namespace (`:plugin.property.<plugin>/<key>`). Both refuse a custom uuid that is
 * taken, name journal pages `MMM do, yyyy`, and insert a non-sibling block as the first child.
 * Tests read the outline back with `outline`.
 */
export class InMemoryLogseq implements LogseqHost {
  readonly kind: 'file' | 'db';
  readonly pages = new Map<string, PageRecord>();
  readonly blocks = new Map<string, BlockRecord>();
  /** Pages opened with `App.pushState`, in order. */
  readonly routes: string[] = [];
  readonly messages: { content: string; status: string | undefined }[] = [];
  /** The block being edited and the text in its editor (a slash command's block). */
  editing: { uuid: string; content: string } | undefined;
  #nextId = 1;

  constructor(kind: 'file' | 'db' = 'file') {
    this.kind = kind;
  }

  readonly App = {
    checkCurrentIsDbGraph: async (): Promise<boolean> => this.kind === 'db',
    pushState: (_route: 'page', params: { name: string }): void => {
      this.routes.push(params.name);
    },
  };

  readonly UI = {
    showMsg: async (content: string, status?: string): Promise<string> => {
      this.messages.push({ content, status });
      return `msg-${this.messages.length}`;
    },
  };

  readonly Editor: LogseqEditor = {
    getPage: async (nameOrId) => {
      const page =
        typeof nameOrId === 'number'
          ? [...this.pages.values()].find((p) => p.id === nameOrId)
          : (this.pages.get(nameOrId.toLowerCase()) ??
            [...this.pages.values()].find((p) => p.uuid === nameOrId));
      return page === undefined ? null : this.#pageEntity(page);
    },

    createPage: async (name, properties) => {
      const existing = this.pages.get(name.toLowerCase());
      if (existing !== undefined) return this.#pageEntity(existing);
      const page = this.#newPage(name);
      if (this.kind === 'db') {
        for (const [key, value] of Object.entries(properties))
          page.properties.set(pluginIdent(key), value);
      } else if (Object.keys(properties).length > 0) {
        const lines = Object.entries(properties).map(([k, v]) => `${k}:: ${String(v)}`);
        this.#newBlock(page, undefined, lines.join('\n'), randomUuid(), page.children.length);
      }
      return this.#pageEntity(page);
    },

    createJournalPage: async (date) => {
      const title = journalTitle(date);
      const page = this.pages.get(title.toLowerCase()) ?? this.#newPage(title);
      return this.#pageEntity(page);
    },

    getPageBlocksTree: async (name) => {
      const page = this.pages.get(name.toLowerCase());
      return page === undefined ? null : page.children.map((uuid) => this.#tree(uuid));
    },

    getBlock: async (uuid) => {
      const block = this.blocks.get(uuid);
      return block === undefined ? null : this.#blockEntity(block);
    },

    insertBlock: async (target, content, opts: InsertBlockOptions) => {
      const uuid = opts.customUUID ?? randomUuid();
      if (!UUID.test(uuid)) throw new Error(`Invalid UUID string: ${uuid}`);
      if (this.blocks.has(uuid)) throw new Error(`Custom block UUID already exists (${uuid}).`);
      const properties = opts.properties ?? {};
      let text = content;
      if (this.kind === 'file') {
        const props = { ...properties, ...(opts.customUUID === undefined ? {} : { id: uuid }) };
        const lines = Object.entries(props).map(([k, v]) => `${k}:: ${String(v)}`);
        const [first = '', ...rest] = content.split('\n');
        text = lines.length === 0 ? content : [first, ...lines, ...rest].join('\n');
      }
      let created: BlockRecord;
      const targetBlock = this.blocks.get(target);
      if (targetBlock !== undefined) {
        const page = this.#pageById(targetBlock.page);
        if (opts.sibling === true) {
          const siblings = this.#childrenOf(page, targetBlock.parent);
          const at = siblings.indexOf(target) + (opts.before === true ? 0 : 1);
          created = this.#newBlock(page, targetBlock.parent, text, uuid, at);
        } else {
          created = this.#newBlock(page, target, text, uuid, 0);
        }
      } else if (UUID.test(target)) {
        throw new Error('Block not exists');
      } else {
        const page = this.pages.get(target.toLowerCase()) ?? this.#newPage(target);
        created = this.#newBlock(page, undefined, text, uuid, page.children.length);
      }
      if (this.kind === 'db')
        for (const [key, value] of Object.entries(properties))
          created.properties.set(pluginIdent(key), value);
      return this.#blockEntity(created);
    },

    updateBlock: async (uuid, content) => {
      const block = this.blocks.get(uuid);
      if (block !== undefined) block.content = content;
    },

    removeBlock: async (uuid) => {
      const block = this.blocks.get(uuid);
      if (block === undefined) throw new Error(`Block not exists: ${uuid}`);
      const page = this.#pageById(block.page);
      const siblings = this.#childrenOf(page, block.parent);
      siblings.splice(siblings.indexOf(uuid), 1);
      const drop = (id: string) => {
        for (const child of this.blocks.get(id)?.children ?? []) drop(child);
        this.blocks.delete(id);
      };
      drop(uuid);
    },

    checkEditing: async () => this.editing?.uuid ?? false,

    getEditingBlockContent: async () => this.editing?.content ?? '',

    exitEditingMode: async () => {
      const editing = this.editing;
      this.editing = undefined;
      const block = editing === undefined ? undefined : this.blocks.get(editing.uuid);
      if (block !== undefined && editing !== undefined) block.content = editing.content;
    },

    getTag: async (name) => {
      const page = this.pages.get(name.toLowerCase());
      return page?.isClass === true ? this.#pageEntity(page) : null;
    },

    createTag: async (name) => {
      if (this.kind !== 'db') throw new Error('tags are classes in DB graphs only');
      const page = this.pages.get(name.toLowerCase()) ?? this.#newPage(name);
      page.isClass = true;
      return this.#pageEntity(page);
    },

    addBlockTag: async (uuid, tagUuid) => {
      const tag = [...this.pages.values()].find((p) => p.uuid === tagUuid && p.isClass);
      if (tag === undefined) throw new Error(`not a tag: ${tagUuid}`);
      const page = [...this.pages.values()].find((p) => p.uuid === uuid);
      if (page === undefined) throw new Error(`no page ${uuid}`);
      page.tags.add(tag.title);
    },

    upsertBlockProperty: async (uuid, key, value, options) => {
      const block = this.blocks.get(uuid);
      if (this.kind === 'db') {
        const entity = block ?? [...this.pages.values()].find((p) => p.uuid === uuid) ?? undefined;
        if (entity === undefined) throw new Error(`Block not exists: ${uuid}`);
        const ident = pluginIdent(key);
        const old = entity.properties.get(ident);
        entity.properties.set(
          ident,
          Array.isArray(value) && Array.isArray(old) && options?.reset !== true
            ? [...new Set([...old, ...value])]
            : value,
        );
        return;
      }
      if (block === undefined)
        throw new Error(`Block not exists: ${uuid} (file graphs keep page properties in blocks)`);
      const lines = block.content.split('\n');
      const line = `${key}:: ${String(value)}`;
      const at = lines.findIndex((l) => PROPERTY_LINE.exec(l)?.[1] === key);
      if (at >= 0) lines[at] = line;
      else if (isPreBlock(block.content)) lines.push(line);
      else lines.splice(1, 0, line);
      block.content = lines.join('\n');
    },
  };

  /**
   * The page as an indented outline, one block a line (`- text`), property lines under their
   * block, as a file graph stores it.
   */
  outline(name: string): string {
    const page = this.pages.get(name.toLowerCase());
    if (page === undefined) throw new Error(`no page "${name}"`);
    const out: string[] = [];
    const walk = (ids: readonly string[], depth: number) => {
      for (const id of ids) {
        const block = this.blocks.get(id)!;
        const pad = '  '.repeat(depth);
        const [first = '', ...rest] = block.content.split('\n');
        out.push(`${pad}- ${first}`, ...rest.map((l) => `${pad}  ${l}`));
        for (const [key, value] of block.properties) out.push(`${pad}  ${key} = ${value}`);
        walk(block.children, depth + 1);
      }
    };
    walk(page.children, 0);
    return out.join('\n');
  }

  /** The page's properties: its first block's in a file graph, the entity's in a DB graph. */
  pageProperties(name: string): Record<string, unknown> {
    const page = this.pages.get(name.toLowerCase());
    if (page === undefined) throw new Error(`no page "${name}"`);
    return this.#pagePropertiesOf(page, false);
  }

  /** DB graphs: the tags of a page. */
  tagsOf(name: string): string[] {
    return [...(this.pages.get(name.toLowerCase())?.tags ?? [])];
  }

  /** Every block of a page, depth first. */
  blocksOf(name: string): BlockRecord[] {
    const page = this.pages.get(name.toLowerCase());
    if (page === undefined) throw new Error(`no page "${name}"`);
    const out: BlockRecord[] = [];
    const walk = (ids: readonly string[]) => {
      for (const id of ids) {
        const block = this.blocks.get(id)!;
        out.push(block);
        walk(block.children);
      }
    };
    walk(page.children);
    return out;
  }

  #newPage(title: string): PageRecord {
    const page: PageRecord = {
      id: this.#nextId++,
      uuid: randomUuid(),
      title,
      properties: new Map(),
      tags: new Set(),
      isClass: false,
      children: [],
    };
    this.pages.set(title.toLowerCase(), page);
    return page;
  }

  #newBlock(
    page: PageRecord,
    parent: string | undefined,
    content: string,
    uuid: string,
    at: number,
  ): BlockRecord {
    const block: BlockRecord = {
      id: this.#nextId++,
      uuid,
      page: page.id,
      parent,
      content,
      properties: new Map(),
      children: [],
    };
    this.blocks.set(uuid, block);
    this.#childrenOf(page, parent).splice(at, 0, uuid);
    return block;
  }

  #childrenOf(page: PageRecord, parent: string | undefined): string[] {
    return parent === undefined ? page.children : this.blocks.get(parent)!.children;
  }

  #pageById(id: number): PageRecord {
    return [...this.pages.values()].find((p) => p.id === id)!;
  }

  #pagePropertiesOf(page: PageRecord, camel: boolean): Record<string, unknown> {
    if (this.kind === 'db') return Object.fromEntries(page.properties);
    const first = this.blocks.get(page.children[0] ?? '');
    return first !== undefined && isPreBlock(first.content)
      ? fileProperties(first.content, camel)
      : {};
  }

  #pageEntity(page: PageRecord): LogseqPage {
    return {
      uuid: page.uuid,
      name: page.title.toLowerCase(),
      ...(this.kind === 'db' ? { title: page.title } : { originalName: page.title }),
      properties: this.#pagePropertiesOf(page, true),
    };
  }

  #blockEntity(block: BlockRecord): LogseqBlock {
    return {
      uuid: block.uuid,
      content: block.content,
      ...(this.kind === 'db' ? { title: block.content } : {}),
      properties:
        this.kind === 'db'
          ? Object.fromEntries(block.properties)
          : fileProperties(block.content, true),
      page: { id: block.page },
      children: block.children.map((id) => ['uuid', id] as const),
      ...(this.kind === 'file' && this.#isFirstOfPage(block) && isPreBlock(block.content)
        ? { 'preBlock?': true }
        : {}),
    };
  }

  #isFirstOfPage(block: BlockRecord): boolean {
    return block.parent === undefined && this.#pageById(block.page).children[0] === block.uuid;
  }

  #tree(uuid: string): LogseqBlock {
    const block = this.blocks.get(uuid)!;
    return { ...this.#blockEntity(block), children: block.children.map((id) => this.#tree(id)) };
  }
}

/** Whether a file-graph block holds only property lines (a page's properties when it is first). */
function isPreBlock(content: string): boolean {
  const lines = content.split('\n').filter((l) => l.trim() !== '');
  return lines.length > 0 && lines.every((l) => PROPERTY_LINE.test(l));
}

/** Property lines of a file-graph block; keys camelCased as the SDK returns them. */
function fileProperties(content: string, camel: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of content.split('\n')) {
    const match = PROPERTY_LINE.exec(line);
    if (match === null) continue;
    const key = camel
      ? match[1]!.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())
      : match[1]!;
    out[key] = match[2]!;
  }
  return out;
}

function pluginIdent(key: string): string {
  return key.includes('/') ? key.replace(/^:?/, ':') : `:plugin.property.${PLUGIN_ID}/${key}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Logseq's default journal title, `MMM do, yyyy`: `2026-11-25` → `Nov 25th, 2026`. */
export function journalTitle(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  const d = day ?? 1;
  const suffix = d % 100 >= 11 && d % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][d % 10] ?? 'th');
  return `${MONTHS[(month ?? 1) - 1]} ${d}${suffix}, ${year}`;
}

function randomUuid(): string {
  return crypto.randomUUID();
}
