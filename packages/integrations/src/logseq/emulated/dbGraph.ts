import type {
  EmulatedBlock,
  EmulatedPage,
  GraphBackend,
  HostMethod,
  HostState,
} from './_backend.js';
import { dbProperties } from './_dbProperties.js';
import { dbStore, type Entity, type PropertyType } from './_dbStore.js';
import {
  formatJournalDay,
  journalDayOf,
  localJournalDay,
  newUuid,
  pageNameSanityLc,
  UUID,
  uuidOrThrow,
} from './_text.js';

/**
 * Logseq 2.0.1 with a DB graph, as its plugin API sees it. Citations are `file:line` at tag 2.0.1:
 * `editor.cljs`, `block.cljs`, `db_based.cljs` are in `src/main/logseq/api/`; `property.cljs` is
 * `deps/outliner/src/logseq/outliner/property.cljs`; `page.cljs` is
 * `deps/outliner/src/logseq/outliner/page.cljs`.
 */

export function dbGraph(state: HostState, dateFormat: string): GraphBackend {
  const store = dbStore();
  const {
    entities,
    TAG,
    PAGE,
    JOURNAL,
    LIBRARY,
    make,
    list,
    byUuid,
    byIdent,
    isPageLike,
    isClass,
    pageByName,
    getBlock,
    pageOfBlock,
    entityJson,
    treeJson,
    readable,
    stored,
  } = store;
  const { sanitize, prefixOf, identOf, ensureOwn, propertyEntity, saveProperties } =
    dbProperties(store);

  // ---- Pages

  /**
   * `outliner-page/create` (page.cljs:302), through `page-handler/<create!`
   * (src/main/frontend/handler/common/page.cljs:77, `:split-namespace? true` by default): a title
   * naming a day in one of the journal formats is that day's journal page (uuid
   * 00000001-yyyy-MMdd-…, titled in the graph's format); `a/b/c` makes the pages `a`, `b` (child
   * of `a`) and `c` (child of `b`), each named by its own segment, and existing levels are reused
   * (`get-page-by-parent-name`, page.cljs:210).
   */
  const createPage = (
    title: string,
    customUuid: string | undefined,
    opts: { class?: boolean } = {},
  ): Entity => {
    const t = title
      .trim()
      .replace(/^\[\[(.*)\]\]$/, '$1')
      .replace(/^\/|\/$/g, '');
    const day = journalDayOf(t, [dateFormat, 'MMM do, yyyy', 'yyyy-MM-dd', 'yyyy_MM_dd']);
    if (day !== undefined) {
      const uuid = `00000001-${String(day).slice(0, 4)}-${String(day).slice(4, 8)}-0000-000000000000`;
      const existing = byUuid(uuid);
      if (existing) return existing;
      const page = make({
        kind: 'page',
        uuid,
        title: formatJournalDay(day, dateFormat),
        name: pageNameSanityLc(formatJournalDay(day, 'MMM do, yyyy')),
        journalDay: day,
      });
      page.tags = [JOURNAL];
      return page;
    }
    if (t.includes(' #'))
      throw new Error('emulated Logseq 2.0.1: tagged page titles are not emulated');
    // page.cljs:344: the oldest page of that name (`page-exists?`) is returned when it has no parent.
    const existing = list()
      .filter((e) => isPageLike(e) && e.name === pageNameSanityLc(t) && e.tags.includes(PAGE))
      .sort((a, b) => a.id - b.id)[0];
    if (existing && !existing.parent) return existing;
    const parts = t
      .split('/')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const newPage = (part: string, last: boolean, parent: Entity | undefined) => {
      const uuid = last && customUuid ? customUuid : newUuid();
      if (byUuid(uuid)) throw new Error(`emulated Logseq 2.0.1: uuid ${uuid} is taken`);
      const page = make({
        kind: 'page',
        uuid,
        title: part,
        name: pageNameSanityLc(part),
        ...(parent ? { parent } : {}),
      });
      page.tags = [opts.class ? TAG : PAGE];
      return page;
    };
    if (parts.length === 1) return newPage(t, true, undefined);
    let parent: Entity | undefined;
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      // split-namespace-pages (page.cljs:237): the first level by name, the others by parent and name.
      // An existing leaf is reused as is (its uuid kept, a customUUID ignored): page.cljs:404
      // assocs onto the entity, which entity-plus makes associative
      // (deps/db/src/logseq/db/common/entity_plus.cljc:227), and transacts it back.
      const page =
        (i === 0
          ? pageByName(part)
          : list().find(
              (e) => isPageLike(e) && e.parent === parent && e.name === pageNameSanityLc(part),
            )) ?? newPage(part, last, parent ?? LIBRARY);
      parent = page;
    }
    return parent!;
  };

  // ---- Blocks

  /** `editor-handler/api-insert-new-block!` (src/main/frontend/handler/editor.cljs) placement. */
  const insertAt = (
    target: Entity,
    block: Entity,
    o: { sibling: boolean; before: boolean; start: boolean; end: boolean },
  ) => {
    const content = (e: Entity) => e.children;
    if (isPageLike(target) && (o.sibling || o.before))
      throw new Error('emulated Logseq 2.0.1: a page has no siblings to insert next to');
    if (o.before || o.sibling) {
      const siblings = content(target.parent!);
      block.parent = target.parent;
      siblings.splice(siblings.indexOf(target) + (o.before ? 0 : 1), 0, block);
    } else {
      block.parent = target;
      if (o.start) target.children.unshift(block);
      else target.children.push(block);
    }
  };
  const removeTree = (e: Entity) => {
    for (const c of e.children) removeTree(c);
    entities.delete(e.id);
  };

  const blockOpts = (opts: unknown) =>
    (opts ?? {}) as {
      before?: unknown;
      sibling?: unknown;
      start?: unknown;
      end?: unknown;
      customUUID?: unknown;
      properties?: Record<string, unknown>;
      schema?: Record<string, { type?: string; cardinality?: string }>;
      reset?: unknown;
      redirect?: unknown;
    };

  const api: Record<string, HostMethod> = {
    // api.cljs:66 check_current_is_db_graph
    check_current_is_db_graph: () => true,
    // api/app.cljs:54 get_user_configs
    get_user_configs: () => ({
      preferredLanguage: 'en',
      preferredThemeMode: 'light',
      preferredFormat: 'markdown',
      preferredDateFormat: dateFormat,
      preferredStartOfWeek: 6,
      currentGraph: 'logseq_db_graph',
      showBrackets: true,
      enabledFlashcards: true,
      me: {},
    }),
    // api/app.cljs:68 get_current_graph_configs
    get_current_graph_configs: (_c, ...keys) => {
      const config: Record<string, unknown> = {
        'journal/page-title-format': dateFormat,
        'preferred-format': 'markdown',
      };
      return keys.length > 0 ? (config[keys.map(String).join('.')] ?? null) : config;
    },
    // api/app.cljs:154 push_state: ('page', {name}) → redirect-to-page!, which opens db/get-page
    // of the name (src/main/frontend/handler/route.cljs): a uuid, else the oldest page of that name.
    push_state: (_c, k, params) => {
      const name = (params as { name?: unknown } | null)?.name;
      if (k === 'page' && typeof name === 'string') {
        const page = getBlock(name);
        state.navigations.push({
          route: 'page',
          name,
          page: page && isPageLike(page) ? page.uuid : null,
        });
      } else state.navigations.push({ route: String(k), page: null });
      return null;
    },
    // editor.cljs:47 check_editing, :52 exit_editing_mode, :76 get_editing_block_content
    check_editing: () => state.editing?.uuid ?? false,
    exit_editing_mode: () => {
      if (state.editing) {
        const b = byUuid(state.editing.uuid);
        if (b) b.title = state.editing.content;
      }
      state.editing = null;
      return null;
    },
    get_editing_block_content: () => state.editing?.content ?? null,
    // editor.cljs:100 get_page: whatever <get-block finds, a block included.
    get_page: (_c, idOrName) => {
      const e = getBlock(idOrName);
      return e ? entityJson(e) : null;
    },
    // editor.cljs:125 create_page: by <get-block of the FULL name (a leaf page is named by its last
    // segment, so a namespaced name is never found and is created again); the properties are set
    // only on a page this call created.
    create_page: (caller, name, properties, opts) => {
      const o = blockOpts(opts) as ReturnType<typeof blockOpts> & {
        class?: unknown;
        journal?: unknown;
      };
      const found = getBlock(name);
      const created = found
        ? undefined
        : createPage(
            String(name),
            typeof o.customUUID === 'string' ? uuidOrThrow(o.customUUID) : undefined,
            { class: o.class === true },
          );
      const page = found ?? created!;
      if (created && properties && Object.keys(properties).length > 0)
        saveProperties(caller, created, properties as Record<string, unknown>, o.schema ?? {});
      // <create! redirects unless redirect is false; an existing page only with redirect true.
      if (created ? o.redirect !== false : o.redirect === true)
        state.navigations.push({ route: 'page', name: page.uuid, page: page.uuid });
      return entityJson(page);
    },
    // editor.cljs:150 create_journal_page: `new Date(date)` (a YYYY-MM-DD string is UTC midnight),
    // its LOCAL day formatted yyyy-MM-dd, then create_page with journal true and no redirect.
    create_journal_page: (caller, date) => {
      const d = new Date(date as string);
      if (Number.isNaN(d.getTime())) return null;
      const day = localJournalDay(d);
      return api.create_page!(caller, formatJournalDay(day, 'yyyy-MM-dd'), null, {
        journal: true,
        redirect: false,
      });
    },
    // editor.cljs:209 insert_block: the target by <get-block (no page is created); customUUID or
    // properties.id; `before` without `sibling` is the first child; properties saved after.
    insert_block: (caller, id, content, opts) => {
      const target = getBlock(id);
      if (!target) return null;
      const o = blockOpts(opts);
      const customValue = o.customUUID ?? o.properties?.id;
      const custom =
        customValue === undefined || customValue === null ? undefined : uuidOrThrow(customValue);
      if (custom && byUuid(custom))
        throw new Error(`Custom block UUID already exists (${custom}).`);
      let at = target;
      let sibling = Boolean(o.sibling);
      let before = Boolean(o.before);
      if (!o.sibling && o.before && target.children.some((c) => c.kind === 'block')) {
        at = target.children[0]!;
        sibling = true;
        before = true;
      } else if (o.sibling === false && o.before) before = false;
      const block = make({
        kind: 'block',
        uuid: custom ?? newUuid(),
        title: String(content ?? ''),
        page: pageOfBlock(target),
      });
      insertAt(at, block, { sibling, before, start: o.start === true, end: o.end === true });
      if (o.properties && Object.keys(o.properties).length > 0)
        saveProperties(caller, block, o.properties, o.schema ?? {});
      return entityJson(block);
    },
    // editor.cljs:255 remove_block
    remove_block: (_c, id) => {
      const e = getBlock(id);
      if (e?.parent) {
        e.parent.children.splice(e.parent.children.indexOf(e), 1);
        removeTree(e);
      }
      return null;
    },
    // editor.cljs:263 update_block → db_based.cljs:86 update-block: the title replaced as is (no
    // property lines parsed); opts.properties saved first; the editor follows when editing it.
    update_block: (caller, id, content, opts) => {
      const e = getBlock(id);
      if (!e) return null;
      const o = blockOpts(opts);
      if (o.properties) saveProperties(caller, e, o.properties, o.schema ?? {}, o.reset === true);
      e.title = String(content);
      if (state.editing?.uuid === e.uuid) state.editing.content = String(content);
      return null;
    },
    // editor.cljs:290 → block.cljs:200 get_block: pages only with includePage; children as pairs.
    get_block: (_c, id, opts) => {
      const o = (opts ?? {}) as { includePage?: unknown; includeChildren?: unknown };
      const e = typeof id === 'number' ? getBlock(id) : byUuid(uuidOrThrow(id));
      if (!e || (isPageLike(e) && o.includePage !== true)) return null;
      return o.includeChildren
        ? treeJson(e, 1)
        : { ...entityJson(e), children: e.children.map((c) => ['uuid', c.uuid]) };
    },
    // editor.cljs:351 get_page_blocks_tree: every entity of the page (pull [*]), property value
    // blocks included, nested by parent.
    get_page_blocks_tree: (_c, idOrName) => {
      const page = getBlock(idOrName);
      if (!page || !isPageLike(page)) return null;
      return page.children.map((c) => treeJson(c, 1));
    },
    // editor.cljs:432 upsert_block_property: the block by <get-block (a page name too).
    upsert_block_property: (caller, id, key, value, options) => {
      const e = getBlock(id);
      const o = (options ?? {}) as {
        reset?: unknown;
        schema?: { type?: string; cardinality?: string };
      };
      const k = sanitize(key);
      if (e)
        saveProperties(
          caller,
          e,
          { [k]: value },
          o.schema ? { [k]: o.schema } : {},
          o.reset === true,
        );
      return null;
    },
    // editor.cljs:499 get_block_properties, :505 get_page_properties
    get_block_properties: (_c, id) => {
      const e = getBlock(id);
      return e ? readable(e) : null;
    },
    get_page_properties: (_c, idOrName) => {
      const e = getBlock(idOrName);
      return e ? readable(e) : null;
    },
    // db_based.cljs:104 get-property: the plugin's property of that name, with its :type.
    get_property: (caller, k) => {
      if (typeof k !== 'string') return null;
      const p = byIdent(identOf(sanitize(k), caller));
      return p ? { ...entityJson(p), type: p.type } : null;
    },
    // db_based.cljs:156 upsert-property: create the property with its schema, or update it.
    upsert_property: (caller, k, schema) => {
      if (typeof k !== 'string' || k.trim() === '') return null;
      const name = sanitize(k);
      const ident = identOf(name, caller);
      ensureOwn(caller, ident, name);
      const s = (schema ?? {}) as { type?: string; cardinality?: string };
      const valid = [
        'default',
        'number',
        'date',
        'datetime',
        'checkbox',
        'url',
        'node',
        'asset',
        'json',
        'string',
      ];
      if (s.type !== undefined && !valid.includes(s.type))
        throw new Error(
          `Invalid type, type should be one of: #{${valid.map((t) => `:${t}`).join(' ')}}`,
        );
      if (
        s.cardinality !== undefined &&
        !['one', 'many', 'db.cardinality/one', 'db.cardinality/many'].includes(s.cardinality)
      )
        throw new Error('Invalid cardinality, choices: "one" or "many"');
      const cardinality = s.cardinality?.endsWith('many') ? 'many' : 'one';
      let p = byIdent(ident);
      if (!p) p = propertyEntity(ident, name, (s.type as PropertyType) ?? 'default', cardinality);
      else {
        // property.cljs:281 update-property: no type change, no many → one, once values exist.
        const used = list().some((e) => e.props.has(ident));
        if (s.type !== undefined && s.type !== p.type) {
          if (used) throw new Error('Disallowed type change with existing data');
          p.type = s.type as PropertyType;
        }
        if (s.cardinality !== undefined && cardinality !== p.cardinality) {
          if (used && cardinality === 'one') throw new Error('Disallowed many to one conversion');
          p.cardinality = cardinality;
        }
      }
      return entityJson(p);
    },
    // db_based.cljs:221 create-tag: no "/" in the title; the tag of that name when there is one.
    create_tag: (caller, title) => {
      if (typeof title !== 'string') throw new Error('Tag title should be a string');
      if (title.trim() === '') throw new Error("Tag title shouldn't be empty");
      if (title.includes('/')) throw new Error("Tag title shouldn't include forward slash");
      // <create-class! → outliner create with class? (page.cljs:302): `page-exists?` looks up tags
      // by exact title (deps/db/src/logseq/db.cljs:507); a page of that name that is no tag does not
      // count, and a new tag of the same name is made beside it.
      const existing = list().find((e) => isClass(e) && e.title === title && !e.parent);
      if (existing) return entityJson(existing);
      const tag = make({
        kind: 'class',
        uuid: newUuid(),
        title,
        name: pageNameSanityLc(title),
        ident: `${prefixOf(caller).replace('plugin.property.', 'plugin.class.')}/${title}`,
      });
      tag.tags = [TAG];
      return entityJson(tag);
    },
    // db_based.cljs:309 get-tag: by id, uuid, the plugin's class ident, else a tag of that name.
    get_tag: (caller, k) => {
      const s = String(k).replace(/^:+/, '');
      const tag =
        typeof k === 'number'
          ? entities.get(k)
          : s.includes('/')
            ? byIdent(s)
            : UUID.test(s)
              ? byUuid(s)
              : (byIdent(`${prefixOf(caller).replace('plugin.property.', 'plugin.class.')}/${s}`) ??
                list().find((e) => e.name === pageNameSanityLc(s) && isClass(e)));
      return isClass(tag) ? entityJson(tag!) : null;
    },
    // db_based.cljs:344 add-block-tag
    add_block_tag: (caller, idOrName, tagId) => {
      const block = getBlock(idOrName);
      const s = String(tagId);
      const tag =
        (typeof tagId === 'number' ? entities.get(tagId) : UUID.test(s) ? byUuid(s) : undefined) ??
        byIdent(`${prefixOf(caller).replace('plugin.property.', 'plugin.class.')}/${s}`) ??
        getBlock(tagId);
      if (!isClass(tag)) throw new Error(`Not a tag: ${s}`);
      if (block && !block.tags.includes(tag!)) block.tags.push(tag!);
      return null;
    },
    // api.cljs:144 show_msg
    show_msg: (_c, content, status) => {
      state.messages.push({ content: String(content), status: status as string | undefined });
      return `msg-${state.messages.length}`;
    },
  };

  const outlineOf = (e: Entity): EmulatedBlock => ({
    uuid: e.uuid,
    text: e.title,
    properties: stored(e),
    collapsed: false,
    children: e.children.filter((c) => c.kind === 'block').map(outlineOf),
  });

  return {
    kind: 'db',
    api,
    pages: (): EmulatedPage[] =>
      list()
        .filter((e) => e.kind === 'page' || e.kind === 'class')
        .map((e) => ({
          id: e.id,
          uuid: e.uuid,
          name: e.name!,
          title: e.title,
          ...(e.journalDay !== undefined ? { journalDay: e.journalDay } : {}),
          ...(e.parent ? { parent: e.parent.uuid } : {}),
          tags: e.tags.map((t) => t.title),
          properties: stored(e),
        })),
    outline: (x) => {
      const page = getBlock(x);
      if (!page || !isPageLike(page)) throw new Error(`emulated Logseq 2.0.1: no page ${x}`);
      return page.children.filter((c) => c.kind === 'block').map(outlineOf);
    },
    blockExists: (uuid) => byUuid(uuid) !== undefined,
  };
}
