import type { StoredProperty } from './_backend.js';
import { newUuid, pageNameSanityLc, UUID } from './_text.js';

/**
 * The entities of an emulated Logseq 2.0.1 DB graph, the lookups its API uses and the JSON its
 * results have. Citations at tag 2.0.1 (see dbGraph.ts).
 */

export type Kind = 'page' | 'block' | 'value' | 'class' | 'property';
export type PropertyType =
  | 'default'
  | 'number'
  | 'url'
  | 'checkbox'
  | 'json'
  | 'string'
  | 'date'
  | 'node';

export interface Entity {
  id: number;
  uuid: string;
  kind: Kind;
  title: string;
  /** Pages, classes and properties: `:block/name`. */
  name?: string;
  ident?: string;
  page?: Entity;
  parent?: Entity;
  children: Entity[];
  tags: Entity[];
  journalDay?: number;
  createdAt: number;
  /** Value entities: `:logseq.property/created-from-property` and `:logseq.property/value`. */
  fromProperty?: string;
  value?: number;
  /** Property values: ref types hold entity ids. */
  props: Map<string, number | number[] | boolean | string>;
  /** Properties: their schema. */
  type?: PropertyType;
  cardinality?: 'one' | 'many';
}

/** db-property-type: the ref types (deps/db/src/logseq/db/frontend/property/type.cljs:58-74). */
export const REF_TYPES = new Set([
  'default',
  'url',
  'number',
  'date',
  'node',
  'asset',
  'page',
  'entity',
]);

/** What datascript's `entid` throws for an entity id that is not a positive number. */
export function datascriptEntid(eid: number): void {
  if (!(eid > 0)) throw new Error(`Expected number or lookup ref for entity id, got ${eid}`);
}

export type DbStore = ReturnType<typeof dbStore>;

export function dbStore() {
  const entities = new Map<number, Entity>();
  let nextId = 1;
  const now = () => Date.now();
  const make = (
    e: Omit<Entity, 'id' | 'children' | 'tags' | 'props' | 'createdAt'> & Partial<Entity>,
  ) => {
    const entity: Entity = {
      id: nextId++,
      children: [],
      tags: [],
      props: new Map(),
      createdAt: now(),
      ...e,
    };
    entities.set(entity.id, entity);
    return entity;
  };
  // Built-in classes and the Library page (page.cljs:227 puts top-level namespace pages under it).
  const builtIn = (title: string, ident: string): Entity =>
    make({ kind: 'class', title, name: title.toLowerCase(), ident, uuid: newUuid() });
  const TAG = builtIn('Tag', 'logseq.class/Tag');
  const PAGE = builtIn('Page', 'logseq.class/Page');
  const JOURNAL = builtIn('Journal', 'logseq.class/Journal');
  const PROPERTY = builtIn('Property', 'logseq.class/Property');
  for (const c of [TAG, PAGE, JOURNAL, PROPERTY]) c.tags = [TAG];
  const LIBRARY = make({ kind: 'page', title: 'Library', name: 'library', uuid: newUuid() });
  LIBRARY.tags = [PAGE];
  nextId = 1000; // user entities come after the graph's built-in ones

  const list = () => [...entities.values()];
  const byUuid = (uuid: string) => list().find((e) => e.uuid === uuid.toLowerCase());
  const byIdent = (ident: string) => list().find((e) => e.ident === ident);
  const isPageLike = (e: Entity) =>
    e.kind === 'page' || e.kind === 'class' || e.kind === 'property';
  const isClass = (e: Entity | undefined) => e?.tags.includes(TAG) === true;
  /** `get-first-page-by-name` (deps/db/src/logseq/db/common/initial_data.cljs:17): the OLDEST page of that :block/name. */
  const pageByName = (name: string) =>
    list()
      .filter((e) => isPageLike(e) && e.name === pageNameSanityLc(name))
      .sort((a, b) => a.id - b.id)[0];
  /** `db-async/<get-block` (src/main/frontend/db/async.cljs:135): a number, a uuid string, else a page name. */
  const getBlock = (idOrName: unknown): Entity | undefined => {
    if (idOrName === null || idOrName === undefined || idOrName === '') return undefined;
    if (typeof idOrName === 'number') {
      datascriptEntid(idOrName);
      return entities.get(idOrName);
    }
    const s = String(idOrName);
    return UUID.test(s) ? byUuid(s) : pageByName(s);
  };
  const pageOfBlock = (e: Entity) => (isPageLike(e) ? e : e.page!);

  // ---- JSON as result->js gives it (src/main/logseq/sdk/utils.cljs:32 normalize-keyword-for-json):
  // :block/* and :db/* keys camel-cased without namespace, other keywords kept as ":ns/name",
  // entity values as their :db/id, a title also given as content and fullTitle. No `properties`.
  const propertyJson = (e: Entity, ref: (id: number) => unknown) =>
    Object.fromEntries(
      [...e.props].map(([ident, v]) => [
        `:${ident}`,
        typeof v === 'number' && refType(ident)
          ? ref(v)
          : Array.isArray(v)
            ? v.map((id) => ref(id))
            : v,
      ]),
    );
  const refType = (ident: string) => REF_TYPES.has(byIdent(ident)?.type ?? 'default');
  const entityJson = (
    e: Entity,
    ref: (id: number) => unknown = (id) => id,
  ): Record<string, unknown> => ({
    id: e.id,
    uuid: e.uuid,
    ...(e.name !== undefined ? { name: e.name } : {}),
    ...(e.value === undefined ? { title: e.title, content: e.title, fullTitle: e.title } : {}),
    ...(e.ident !== undefined ? { ident: `:${e.ident}` } : {}),
    tags: e.tags.map((t) => ref(t.id)),
    createdAt: e.createdAt,
    updatedAt: e.createdAt,
    ...(e.page ? { page: ref(e.page.id) } : {}),
    ...(e.parent ? { parent: ref(e.parent.id) } : {}),
    ...(e.journalDay !== undefined ? { journalDay: e.journalDay } : {}),
    ...(e.fromProperty
      ? { ':logseq.property/created-from-property': ref(byIdent(e.fromProperty)!.id) }
      : {}),
    ...(e.value !== undefined ? { ':logseq.property/value': e.value } : {}),
    ...(e.type
      ? {
          ':logseq.property/type': e.type,
          cardinality: `:db.cardinality/${e.cardinality}`,
          ...(REF_TYPES.has(e.type) ? { valueType: ':db.type/ref' } : {}),
        }
      : {}),
    ...propertyJson(e, ref),
  });
  /** `pull [*]` then blocks->vec-tree (deps/outliner/src/logseq/outliner/tree.cljs:11): refs as {id}. */
  const treeJson = (e: Entity, level: number): Record<string, unknown> => ({
    ...entityJson(e, (id) => ({ id })),
    level,
    children: e.children.map((c) => treeJson(c, level + 1)),
  });

  /** A value entity's content (deps/db/src/logseq/db/frontend/property.cljs:836 property-value-content). */
  const contentOf = (id: number): unknown => {
    const e = entities.get(id);
    return e === undefined ? id : (e.value ?? e.title);
  };
  /** `into-readable-db-properties` (block.cljs:75): ":ns/name" keys, refs dereferenced to their content. */
  const readable = (e: Entity) => ({
    ':block/tags': e.tags.map((t) => t.title),
    ...Object.fromEntries(
      [...e.props].map(([ident, v]) => [
        `:${ident}`,
        Array.isArray(v)
          ? v.map(contentOf)
          : typeof v === 'number' && refType(ident)
            ? contentOf(v)
            : v,
      ]),
    ),
  });

  const stored = (e: Entity): Record<string, StoredProperty> =>
    Object.fromEntries(
      [...e.props].map(([ident, v]) => {
        const p = byIdent(ident);
        const value = Array.isArray(v)
          ? v.map(contentOf)
          : typeof v === 'number' && refType(ident)
            ? contentOf(v)
            : v;
        return [
          ident,
          {
            value,
            ...(p?.type ? { type: p.type } : {}),
            ...(p?.cardinality ? { cardinality: p.cardinality } : {}),
          },
        ];
      }),
    );

  return {
    entities,
    TAG,
    PAGE,
    JOURNAL,
    PROPERTY,
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
    refType,
    entityJson,
    treeJson,
    contentOf,
    readable,
    stored,
  };
}
