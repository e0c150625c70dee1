import type { HostCaller } from './_backend.js';
import {
  type DbStore,
  datascriptEntid,
  type Entity,
  type PropertyType,
  REF_TYPES,
} from './_dbStore.js';
import { newUuid, pageNameSanityLc } from './_text.js';

/**
 * How Logseq 2.0.1 names, types and sets a plugin's properties. Citations at tag 2.0.1:
 * `block.cljs` is `src/main/logseq/api/block.cljs`, `property.cljs`
 * `deps/outliner/src/logseq/outliner/property.cljs`, `type.cljs`
 * `deps/db/src/logseq/db/frontend/property/type.cljs`.
 */

/** `db-property-type/url?` (type.cljs:85): `new URL(s)` parses. */
function isUrl(s: unknown): boolean {
  if (typeof s !== 'string') return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

/** `infer-property-type` (block.cljs:114): the type a new property takes from its first value. */
function inferType(value: unknown): PropertyType {
  if (typeof value === 'boolean') return 'checkbox';
  if (
    typeof value === 'number' ||
    (Array.isArray(value) && value.every((v) => typeof v === 'number'))
  )
    return 'number';
  if (isUrl(value) || (Array.isArray(value) && value.length > 0 && value.every(isUrl)))
    return 'url';
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return 'json';
  return 'default';
}

/** Clojure's `parse-double`: the whole string a float, else nil. */
function parseDouble(s: string): number | undefined {
  // cljs parse-double's pattern allows surrounding whitespace and control characters.
  const t = s.trim();
  return /^[+-]?(?:Infinity|NaN|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/.test(t)
    ? Number.parseFloat(t)
    : undefined;
}

class SchemaValidationFailed extends Error {
  constructor() {
    // property.cljs:347 validate!: ex-info "Schema validation failed".
    super('Schema validation failed');
  }
}

export type DbProperties = ReturnType<typeof dbProperties>;

export function dbProperties(store: DbStore) {
  const { make, list, byIdent, pageOfBlock, entities, PROPERTY } = store;
  /** `sanitize-user-property-name` and `get-db-ident-from-property-name` (block.cljs:22, 46). */
  const sanitize = (k: unknown) =>
    String(k)
      .trim()
      .replaceAll(' ', '')
      .replace(/^[:_\s]+/, '');
  const prefixOf = (caller: HostCaller) =>
    // get-sanitized-plugin-id (block.cljs:30): a call without a plugin (HTTP) is "_test_plugin".
    `plugin.property.${caller.pluginId === undefined ? '_test_plugin' : sanitize(caller.pluginId)}`;
  const identOf = (name: string, caller: HostCaller) => {
    const n = String(name).replace(/^:+/, '');
    if (/^[^/]+\/.+/.test(n)) return n;
    const part = n.replace(/^(\d)/, 'NUM-$1').replace(/[^0-9a-zA-Z*+!_'?<>=-]/g, '');
    return `${prefixOf(caller)}/${part}`;
  };

  const propertyEntity = (
    ident: string,
    title: string,
    type: PropertyType,
    cardinality: 'one' | 'many',
  ) => {
    const p = make({
      kind: 'property',
      uuid: newUuid(),
      title,
      name: pageNameSanityLc(title),
      ident,
      type,
      cardinality,
    });
    p.tags = [PROPERTY];
    return p;
  };
  /** `ensure-property-upsert-control` (block.cljs:93). */
  const ensureOwn = (caller: HostCaller, ident: string, name: string) => {
    if (ident.split('/')[0] !== prefixOf(caller))
      throw new Error(`Plugins can only upsert its own properties (${name})`);
  };

  /** A value entity of a ref property (property.cljs:402 create-property-text-block!, :454). */
  const valueEntity = (property: Entity, v: string | number, block: Entity): number => {
    if (property.type === 'default' || property.type === 'url') {
      // throw-error-if-invalid-new-property-value: text for :default, a URL for :url.
      if (typeof v !== 'string' || (property.type === 'url' && !isUrl(v)))
        throw new SchemaValidationFailed();
      const value = make({
        kind: 'value',
        uuid: newUuid(),
        title: v,
        parent: block,
        page: pageOfBlock(block),
        fromProperty: property.ident!,
      });
      block.children.push(value);
      return value.id;
    }
    // :number and the others: an existing value entity of the property, or a new one under it.
    const found = list().find((e) => e.fromProperty === property.ident && e.value === v);
    if (found) return found.id;
    return make({
      kind: 'value',
      uuid: newUuid(),
      title: '',
      value: v as number,
      parent: property,
      page: property,
      fromProperty: property.ident!,
    }).id;
  };

  /** `set-block-property!` (property.cljs:796) for one value, with `convert-ref-property-value` (:479). */
  const setProperty = (block: Entity, property: Entity, v: unknown) => {
    const ident = property.ident!;
    const type = property.type ?? 'default';
    let value: number | boolean | string | undefined;
    if (REF_TYPES.has(type)) {
      const numberProperty = type === 'number';
      if (typeof v === 'number' && Number.isInteger(v)) {
        // An integer is an entity id, except that a :number property takes it as a ref only when
        // that entity was created from the property (property.cljs:493).
        if (!numberProperty) value = v;
        else {
          datascriptEntid(v); // (d/entity @conn v)
          value = entities.get(v)?.fromProperty === ident ? v : valueEntity(property, v, block);
        }
      } else {
        const parsed = numberProperty && typeof v === 'string' ? parseDouble(v) : v;
        // An unparsable string for a :number property is nil: the property is removed (:830).
        if (parsed === undefined || parsed === null) {
          block.props.delete(ident);
          return;
        }
        value = valueEntity(property, parsed as string | number, block);
      }
      // raw-set-block-property! validates the ref (type.cljs:127 number-entity?, :134 text-entity?).
      datascriptEntid(value as number);
      const target = entities.get(value as number);
      const ok =
        target !== undefined &&
        (numberProperty
          ? typeof target.value === 'number'
          : type === 'url'
            ? isUrl(target.title)
            : typeof target.title === 'string' && target.page !== undefined);
      if (!ok) throw new SchemaValidationFailed();
    } else if (type === 'checkbox') {
      if (typeof v !== 'boolean') throw new SchemaValidationFailed();
      value = v;
    } else value = typeof v === 'string' ? v : JSON.stringify(v);
    if (property.cardinality === 'many') {
      const current = block.props.get(ident);
      const ids = Array.isArray(current) ? current : [];
      if (!ids.includes(value as number)) block.props.set(ident, [...ids, value as number]);
    } else block.props.set(ident, value!);
  };

  /** `db-based-save-block-properties!` → `set-block-properties!` (block.cljs:125). */
  const saveProperties = (
    caller: HostCaller,
    block: Entity,
    properties: Record<string, unknown>,
    schemas: Record<string, { type?: string; cardinality?: string } | undefined> = {},
    reset = false,
  ) => {
    for (const [key, value] of Object.entries(properties)) {
      const ident = identOf(key, caller);
      const schema = schemas[key];
      let property = byIdent(ident);
      const type = (property?.type ??
        (schema?.type as PropertyType | undefined) ??
        (property ? undefined : inferType(value)))!;
      const many =
        property?.cardinality === 'many' ||
        (property === undefined &&
          (schema?.cardinality === 'many' || Array.isArray(value)) &&
          schema?.cardinality !== 'one');
      if (many && type === 'json') throw new Error(":json type doesn't support multiple values");
      if (property && schema)
        throw new Error("Use `upsert_property` to modify existing property's schema");
      if (!many && Array.isArray(value))
        throw new Error(`Property ${key} has cardinality \`one\` but passed multiple values`);
      if (!property) {
        ensureOwn(caller, ident, key);
        property = propertyEntity(ident, key, type, many ? 'many' : 'one');
      }
      const values =
        value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
      if ((many && reset) || values.length === 0) block.props.delete(ident);
      for (const v of values) setProperty(block, property, v);
    }
  };

  return { sanitize, prefixOf, identOf, ensureOwn, propertyEntity, saveProperties };
}
