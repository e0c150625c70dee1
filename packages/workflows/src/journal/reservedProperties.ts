/**
 * Property names Logseq gives a meaning of its own: written from a user's data they would act
 * (`id` replaces a block's uuid, `collapsed` folds it, `template` makes it a template, `alias` and
 * `tags` link pages, `title` renames a page), so user keys never take them.
 *
 * From Logseq 0.10.15 `deps/graph-parser/src/logseq/graph_parser/property.cljs`
 * (`editable-built-in-properties`, `hidden-built-in-properties`), in the kebab case
 * `propertyKey` gives (`background_color` is `background-color` here), and the names the 2.x
 * importer of file graphs takes as built-in.
 */
export const RESERVED_PROPERTIES: ReadonlySet<string> = new Set([
  // editable built-ins (0.10.15 property.cljs:52)
  'title',
  'icon',
  'template',
  'template-including-parent',
  'public',
  'filters',
  'exclude-from-graph-view',
  'macro',
  'filetags',
  'alias',
  'aliases',
  'tags',
  // hidden built-ins (0.10.15 property.cljs:62)
  'id',
  'custom-id',
  'background-color',
  'heading',
  'collapsed',
  'created-at',
  'updated-at',
  'last-modified-at',
  'query-table',
  'query-properties',
  'query-sort-by',
  'query-sort-desc',
  'ls-type',
  'hl-type',
  'hl-page',
  'hl-stamp',
  'hl-color',
  'todo',
  'doing',
  'now',
  'later',
  'done',
]);

/**
 * A user's key as a property name that Logseq takes as plain data: a reserved name gets the
 * kind of data it names in front (`id` of an input is `input-id`, `title` is `input-title`).
 */
export function userPropertyKey(key: string, kind: string): string {
  return RESERVED_PROPERTIES.has(key) ? `${kind}-${key}` : key;
}
