import type {
  EmulatedBlock,
  EmulatedPage,
  GraphBackend,
  HostMethod,
  HostState,
  StoredProperty,
} from './_backend.js';
import {
  BUILT_IN_KEPT,
  insertProperties,
  type Parsed,
  parseContent,
  removeProperties,
  withBuiltIn,
} from './_fileText.js';
import { camelCase, journalDayOf, newUuid, pageNameSanityLc, UUID, uuidOrThrow } from './_text.js';

/**
 * Logseq 0.10.15 with a file graph (Markdown), as its plugin API sees it. Citations are
 * `file:line` at tag 0.10.15; `api.cljs` is `src/main/logseq/api.cljs`.
 */

interface Page {
  id: number;
  uuid: string;
  name: string;
  originalName: string;
  journalDay: number | undefined;
  namespace: Page | undefined;
  properties: Record<string, unknown>;
  createdAt: number;
  blocks: Block[];
}

interface Block {
  id: number;
  uuid: string;
  content: string;
  page: Page;
  parent: Block | undefined;
  children: Block[];
  parsed: Parsed;
}

const camelKeys = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [camelCase(k), v]));

export function fileGraph(state: HostState, preferredDateFormat: string): GraphBackend {
  const pages: Page[] = [];
  let nextId = 1;
  const now = () => Date.now();
  // `date/journal-title-formatters` (src/main/frontend/date.cljs:22): a title in any of them is a
  // journal page (`block/page-name->map`), named as typed.
  const journalFormats = [
    preferredDateFormat,
    ...['do MMM yyyy', 'do MMMM yyyy', 'MMM do, yyyy', 'MMMM do, yyyy'],
    ...['E', 'EEE', 'EEEE'].flatMap((e) =>
      ['dd-MM-yyyy', 'dd.MM.yyyy', 'MM/dd/yyyy', 'yyyy/MM/dd'].map((d) => `${e}, ${d}`),
    ),
    ...['dd-MM-yyyy', 'MM/dd/yyyy', 'MM-dd-yyyy', 'MM_dd_yyyy', 'yyyy/MM/dd', 'yyyy-MM-dd'],
    ...['yyyy-MM-dd EEEE', 'yyyy_MM_dd', 'yyyyMMdd', 'yyyy年MM月dd日'],
  ];

  const allBlocks = (blocks: Block[]): Block[] =>
    blocks.flatMap((b) => [b, ...allBlocks(b.children)]);
  const blockByUuid = (uuid: string) =>
    pages.flatMap((p) => allBlocks(p.blocks)).find((b) => b.uuid === uuid.toLowerCase());
  const pageByName = (name: string) => pages.find((p) => p.name === pageNameSanityLc(name));
  const siblingsOf = (b: Block) => (b.parent ? b.parent.children : b.page.blocks);
  const reparse = (b: Block) => {
    b.parsed = parseContent(b.content, b.parent === undefined && b.page.blocks[0] === b);
  };

  /** `db-model/get-page` (src/main/frontend/db/model.cljs:1040): a uuid string, else by lower-cased name. */
  const getPage = (nameOrUuid: string): Page | Block | undefined =>
    UUID.test(nameOrUuid)
      ? (pages.find((p) => p.uuid === nameOrUuid.toLowerCase()) ?? blockByUuid(nameOrUuid))
      : pageByName(nameOrUuid);
  const isPage = (x: Page | Block | undefined): x is Page => x !== undefined && 'name' in x;

  const pageJson = (p: Page) => ({
    id: p.id,
    uuid: p.uuid,
    name: p.name,
    originalName: p.originalName,
    'journal?': p.journalDay !== undefined,
    ...(p.journalDay !== undefined ? { journalDay: p.journalDay } : {}),
    format: 'markdown',
    createdAt: p.createdAt,
    updatedAt: p.createdAt,
    ...(p.namespace ? { namespace: { id: p.namespace.id } } : {}),
    ...(Object.keys(p.properties).length > 0 ? { properties: camelKeys(p.properties) } : {}),
  });
  /** A block as `pull [*]` gives it, through `normalize-keyword-for-json` (camelCase keys). */
  const blockJson = (b: Block, children: 'tree' | 'refs'): object => {
    const siblings = siblingsOf(b);
    const i = siblings.indexOf(b);
    const left = i > 0 ? siblings[i - 1]!.id : (b.parent ?? b.page).id;
    return {
      id: b.id,
      uuid: b.uuid,
      content: b.content,
      format: 'markdown',
      page: { id: b.page.id },
      parent: { id: (b.parent ?? b.page).id },
      left: { id: left },
      properties: camelKeys(b.parsed.properties),
      propertiesOrder: b.parsed.order.map(camelCase),
      propertiesTextValues: camelKeys(b.parsed.text),
      ...(b.parsed.preBlock ? { 'preBlock?': true } : {}),
      ...(b.parsed.properties.collapsed === true ? { 'collapsed?': true } : {}),
      // get_page_blocks_tree: nested blocks (outliner-tree/blocks->vec-tree); get_block: ["uuid", id] pairs.
      children:
        children === 'tree'
          ? b.children.map((c) => blockJson(c, 'tree'))
          : b.children.map((c) => ['uuid', c.uuid]),
    };
  };

  /**
   * `page-handler/create!` (src/main/frontend/handler/page.cljs:125): title trimmed, `[[ ]]` and a
   * leading `#` removed, boundary slashes removed; every namespace level is a page of its own,
   * named by its full path (`tta/runs`); the last one gets the properties, in a pre-block; an empty
   * first block when asked and the page is empty; a redirect unless `redirect?` is false.
   */
  const createPage = (
    title: string,
    options: {
      properties?: Record<string, unknown>;
      createFirstBlock?: boolean;
      redirect?: boolean;
    },
  ): Page => {
    let t = title
      .trim()
      .replace(/^\[\[(.*)\]\]$/, '$1')
      .replace(/^#+/, '');
    t = t.replace(/^\//, '').replace(/\/$/, '');
    const parts = t.split('/');
    let parent: Page | undefined;
    let page: Page | undefined;
    for (let i = 0; i < parts.length; i++) {
      const full = parts.slice(0, i + 1).join('/');
      page = pageByName(full);
      if (page === undefined) {
        page = {
          id: nextId++,
          uuid: newUuid(),
          name: pageNameSanityLc(full),
          originalName: full,
          journalDay: journalDayOf(full, journalFormats),
          namespace: parent,
          properties: {},
          createdAt: now(),
          blocks: [],
        };
        pages.push(page);
        const props = i === parts.length - 1 ? (options.properties ?? {}) : {};
        if (Object.keys(props).length > 0) {
          // editor-handler/properties-block: a pre-block made of the properties.
          const content = insertProperties('', props);
          const block = newBlock(page, undefined, content);
          page.blocks.push(block);
          reparse(block);
          page.properties = { ...block.parsed.properties };
        }
      }
      parent = page;
    }
    if (options.createFirstBlock !== false && page!.blocks.length === 0) {
      const block = newBlock(page!, undefined, '');
      page!.blocks.push(block);
    }
    if (options.redirect !== false) navigate(page!.originalName);
    return page!;
  };
  const newBlock = (
    page: Page,
    parent: Block | undefined,
    content: string,
    uuid?: string,
  ): Block => ({
    id: nextId++,
    uuid: uuid ?? newUuid(),
    content,
    page,
    parent,
    children: [],
    parsed: parseContent(content, false),
  });
  const navigate = (name: string) => {
    const found = getPage(name);
    state.navigations.push({ route: 'page', name, page: isPage(found) ? found.uuid : null });
  };

  /** `editor-handler/save-block!` → `wrap-parse-block`: the text replaced, hidden built-ins kept. */
  const saveBlock = (b: Block, content: string) => {
    const parsed = parseContent(content, b.parent === undefined && b.page.blocks[0] === b);
    // save-block-if-changed! (editor.cljs:392): an id:: naming another block is refused.
    const id = parsed.properties.id;
    if (typeof id === 'string' && id.toLowerCase() !== b.uuid && blockByUuid(id)) {
      state.messages.push({ content: `Block with the id ${id} already exists!`, status: 'error' });
      return;
    }
    const kept = Object.fromEntries(
      BUILT_IN_KEPT.filter((k) => k in b.parsed.properties && !(k in parsed.properties)).map(
        (k) => [k, b.parsed.text[k] ?? b.parsed.properties[k]],
      ),
    );
    b.content = Object.keys(kept).length > 0 ? withBuiltIn(content, kept) : content;
    reparse(b);
    if (b.parsed.preBlock) b.page.properties = { ...b.parsed.properties };
  };

  const api: Record<string, HostMethod> = {
    // api.cljs:95 get_user_configs
    get_user_configs: () => ({
      preferredLanguage: 'en',
      preferredThemeMode: 'light',
      preferredFormat: 'markdown',
      preferredWorkflow: 'now',
      preferredTodo: 'LATER',
      preferredDateFormat,
      preferredStartOfWeek: 6,
      currentGraph: 'logseq_local_/graph',
      showBrackets: true,
      enabledJournals: true,
      enabledFlashcards: true,
      me: {},
    }),
    // api.cljs:112 get_current_graph_configs: config.edn through bean/->js (keys without the colon).
    get_current_graph_configs: (_c, ...keys) => {
      const config: Record<string, unknown> = {
        'journal/page-title-format': preferredDateFormat,
        'journal/file-name-format': 'yyyy_MM_dd',
        'preferred-format': 'markdown',
        'file/name-format': 'triple-lowbar',
      };
      return keys.length > 0 ? (config[keys.map(String).join('.')] ?? null) : config;
    },
    // api.cljs:460 push_state: ('page', {name}) → route-handler/redirect-to-page!
    push_state: (_c, k, params) => {
      const name = (params as { name?: unknown } | null)?.name;
      if (k === 'page' && typeof name === 'string') navigate(name);
      else state.navigations.push({ route: String(k), page: null });
      return null;
    },
    // api.cljs:495 check_editing: the uuid of the block being edited, or false.
    check_editing: () => state.editing?.uuid ?? false,
    // api.cljs:500 exit_editing_mode: escape-editing saves the editor's text first.
    exit_editing_mode: () => {
      if (state.editing) {
        const b = blockByUuid(state.editing.uuid);
        if (b) saveBlock(b, state.editing.content);
      }
      state.editing = null;
      return null;
    },
    // api.cljs:524 get_editing_block_content: state/get-edit-content.
    get_editing_block_content: () => state.editing?.content ?? null,
    // api.cljs:542 get_page: a number is a db id; a string a uuid or a lower-cased name; blocks
    // (entities with :block/left) give nil.
    get_page: (_c, idOrName) => {
      const found =
        typeof idOrName === 'number'
          ? pages.find((p) => p.id === idOrName)
          : typeof idOrName === 'string'
            ? getPage(idOrName)
            : undefined;
      return isPage(found) ? pageJson(found) : null;
    },
    // api.cljs:555 create_page: the existing page when there is one (its name or uuid), else
    // page-handler/create! with redirect and createFirstBlock defaulting to true.
    create_page: (_c, name, properties, opts) => {
      const o = (opts ?? {}) as { redirect?: unknown; createFirstBlock?: unknown };
      const existing = getPage(String(name));
      if (isPage(existing)) return pageJson(existing);
      const page = createPage(String(name), {
        properties: (properties ?? {}) as Record<string, unknown>,
        createFirstBlock: typeof o.createFirstBlock === 'boolean' ? o.createFirstBlock : true,
        redirect: typeof o.redirect === 'boolean' ? o.redirect : true,
      });
      return pageJson(page);
    },
    // api.cljs:603 insert_block
    insert_block: (_c, target, content, opts) => {
      if (typeof target !== 'string' || target.trim() === '')
        throw new Error("Page title or block UUID shouldn't be empty.");
      const o = (opts ?? {}) as {
        before?: unknown;
        sibling?: unknown;
        focus?: unknown;
        customUUID?: unknown;
        properties?: Record<string, unknown>;
      };
      let page: Page | undefined;
      let at: Block | undefined;
      if (UUID.test(target)) {
        // `(db/entity [:block/uuid …])` finds pages too: a page uuid appends to the page.
        at = blockByUuid(target);
        const p = pages.find((x) => x.uuid === target.toLowerCase());
        if (p && (o.sibling || o.before))
          throw new Error('emulated Logseq 0.10.15: a page has no siblings to insert next to');
        page = p;
      } else {
        // A page name: the page is created when missing (create! with its default redirect).
        page = pageByName(target) ?? createPage(target, { createFirstBlock: false });
      }
      const customValue = o.customUUID ?? o.properties?.id;
      const custom =
        customValue === undefined || customValue === null ? undefined : uuidOrThrow(customValue);
      if (custom && blockByUuid(custom))
        throw new Error(`Custom block UUID already exists (${custom}).`);
      let sibling = Boolean(o.sibling);
      let before = Boolean(o.before);
      // api.cljs:620: `before` without `sibling` inserts as the target's first child.
      if (!o.sibling && o.before && at && at.children.length > 0) {
        at = at.children[0]!;
        sibling = true;
        before = true;
      } else if (o.sibling === false && o.before) before = false;
      if (at === undefined && page === undefined) return null;
      const properties = { ...(o.properties ?? {}), ...(custom ? { id: custom } : {}) };
      const text =
        Object.keys(properties).length > 0
          ? insertProperties(String(content ?? ''), properties)
          : String(content ?? '');
      // editor-handler/api-insert-new-block! (editor.cljs:571): a page target appends after its
      // last block; `before` is a sibling before the target; `sibling` after it; else the
      // target's last child.
      let parentBlock: Block | undefined;
      let list: Block[];
      let index: number;
      if (page) {
        list = page.blocks;
        index = list.length;
      } else if (before || sibling) {
        parentBlock = at!.parent;
        list = siblingsOf(at!);
        index = list.indexOf(at!) + (before ? 0 : 1);
      } else {
        parentBlock = at;
        list = at!.children;
        index = list.length;
      }
      const block = newBlock(page ?? at!.page, parentBlock, text, custom);
      list.splice(index, 0, block);
      reparse(block);
      if (block.parsed.preBlock) block.page.properties = { ...block.parsed.properties };
      // `focus` defaults to true: the editor opens on the new block.
      if (o.focus === undefined || o.focus === true)
        state.editing = { uuid: block.uuid, content: block.content };
      // The new block as api-insert-new-block! built it: :block/page is the page's db id.
      const {
        children: _children,
        left: _left,
        id: _id,
        ...json
      } = blockJson(block, 'tree') as Record<string, unknown>;
      return { ...json, page: block.page.id };
    },
    // api.cljs:668 remove_block: uuid-or-throw-error, children included.
    remove_block: (_c, uuid) => {
      const b = blockByUuid(uuidOrThrow(uuid));
      if (b) siblingsOf(b).splice(siblingsOf(b).indexOf(b), 1);
      return null;
    },
    // api.cljs:676 update_block: while the block is being edited, only the editor's text changes;
    // else save-block! (its text re-parsed: property lines in it become its properties).
    update_block: (_c, uuid, content) => {
      if (state.editing && state.editing.uuid === String(uuid).toLowerCase()) {
        state.editing.content = String(content);
        return null;
      }
      const b = blockByUuid(uuidOrThrow(uuid));
      if (b) saveBlock(b, String(content));
      return null;
    },
    // api.cljs:702 → src/main/logseq/api/block.cljs:11 get_block: pages give nil; children as pairs.
    get_block: (_c, idOrUuid, opts) => {
      const b =
        typeof idOrUuid === 'number'
          ? pages.flatMap((p) => allBlocks(p.blocks)).find((x) => x.id === idOrUuid)
          : blockByUuid(uuidOrThrow(idOrUuid));
      if (!b) return null;
      return blockJson(
        b,
        (opts as { includeChildren?: unknown })?.includeChildren ? 'tree' : 'refs',
      );
    },
    // api.cljs:742 upsert_block_property → batch-set-block-property!
    // (src/main/frontend/handler/editor/property.cljs:76): no re-parse. The value is stored as given
    // (`"12"` stays text until the file is read again), under the key as given (`(keyword key)`);
    // the property lines are rewritten in :block/properties-order, a nil value removes one.
    upsert_block_property: (_c, uuid, key, value) => {
      const b = blockByUuid(uuidOrThrow(uuid));
      if (!b) return null;
      const k = String(key);
      const properties = { ...b.parsed.properties, [k]: value };
      const text: Record<string, unknown> = { ...b.parsed.text, [k]: value };
      for (const o of [properties, text])
        for (const [kk, v] of Object.entries(o)) if (v === null || v === undefined) delete o[kk];
      const order = [...new Set([...b.parsed.order, k])].filter((kk) => kk in properties);
      const kvs = Object.fromEntries(order.map((kk) => [kk, text[kk] ?? properties[kk]]));
      b.content = insertProperties(removeProperties(b.content), kvs);
      b.parsed = { ...b.parsed, properties, order, text };
      // Saving a pre-block sets its page's properties (src/main/frontend/modules/outliner/core.cljs:169).
      if (b.parsed.preBlock) b.page.properties = { ...properties };
      return null;
    },
    // api.cljs:755 get_block_properties
    get_block_properties: (_c, uuid) => {
      const b = blockByUuid(uuidOrThrow(uuid));
      return b ? camelKeys(b.parsed.properties) : null;
    },
    // api.cljs:769 get_page_blocks_tree: by get-page's :block/name; nested children.
    get_page_blocks_tree: (_c, idOrName) => {
      const found = typeof idOrName === 'string' ? getPage(idOrName) : undefined;
      return isPage(found) ? found.blocks.map((b) => blockJson(b, 'tree')) : null;
    },
    // api.cljs:913 show_msg (sdk-ui/-show_msg).
    show_msg: (_c, content, status) => {
      state.messages.push({ content: String(content), status: status as string | undefined });
      return `msg-${state.messages.length}`;
    },
  };

  const toStored = (props: Record<string, unknown>): Record<string, StoredProperty> =>
    Object.fromEntries(Object.entries(props).map(([k, value]) => [k, { value }]));
  const outlineOf = (b: Block): EmulatedBlock => ({
    uuid: b.uuid,
    text: b.content,
    properties: toStored(b.parsed.properties),
    collapsed: b.parsed.properties.collapsed === true,
    ...(b.parsed.preBlock ? { preBlock: true } : {}),
    children: b.children.map(outlineOf),
  });
  const pageOf = (x: string): Page => {
    const found = getPage(x);
    if (!isPage(found)) throw new Error(`emulated Logseq 0.10.15: no page ${x}`);
    return found;
  };

  return {
    kind: 'file',
    api,
    pages: (): EmulatedPage[] =>
      pages.map((p) => ({
        id: p.id,
        uuid: p.uuid,
        name: p.name,
        title: p.originalName,
        ...(p.journalDay !== undefined ? { journalDay: p.journalDay } : {}),
        ...(p.namespace ? { parent: p.namespace.uuid } : {}),
        tags: ((p.properties.tags as string[] | undefined) ?? []).map(String),
        properties: toStored(p.properties),
      })),
    outline: (x) => pageOf(x).blocks.map(outlineOf),
    blockExists: (uuid) => blockByUuid(uuid) !== undefined,
    file: (x) => fileContent(pageOf(x).blocks),
  };
}

/**
 * The Markdown file Logseq writes for a page: `tree->file-content`
 * (src/main/frontend/modules/file/core.cljs:108) with `transform-content` (core.cljs:33): a
 * pre-block as its trimmed text and a blank line; every other block `- ` and its text, its
 * other lines indented by two spaces, nested by a tab per level (the default
 * `:export/bullet-indentation`).
 */
function fileContent(blocks: Block[], level = 1): string {
  return blocks
    .flatMap((b) => {
      const first = level === 1 && blocks[0] === b;
      const content = first && b.parsed.preBlock ? `${b.content.trim()}\n` : bullet(b, level);
      return [content, ...(b.children.length > 0 ? [fileContent(b.children, level + 1)] : [])];
    })
    .join('\n');
}

function bullet(b: Block, level: number): string {
  const tabs = '\t'.repeat(level - 1);
  const text = b.content.trim().split(/\r?\n/).join(`\n${tabs}  `);
  return `${tabs}-${text === '' ? '' : ' '}${text}`;
}
