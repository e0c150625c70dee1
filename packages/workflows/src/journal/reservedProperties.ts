/**
 * Property names Logseq gives a meaning of its own: written from a user's data they would act
 * (`id` replaces a block's uuid, `collapsed` folds it, `template` makes it a template, `alias` and
 * `tags` link pages, `title` renames a page), so user keys never take them.
 *
 * From Logseq 0.10.15 `deps/graph-parser/src/logseq/graph_parser/property.cljs`
 * (`editable-built-in-properties`, `hidden-built-in-properties`) and `frontend/extensions/srs.cljs`
 * (flashcards), and the names the 2.0.1 importer of file graphs drops or takes as built-in
 * (`deps/graph-parser/src/logseq/graph_parser/exporter.cljs`: it drops a block's `title::`), in
 * the kebab case `propertyKey` gives (`background_color` is `background-color` here). A DB graph
 * keeps a plugin's properties in the plugin's namespace, where none of these act.
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
  // flashcards (0.10.15 srs.cljs:49)
  'card-last-interval',
  'card-repeats',
  'card-last-reviewed',
  'card-next-schedule',
  'card-ease-factor',
  'card-last-score',
  // dropped or taken as built-in by the 2.0.1 importer (exporter.cljs:818, 987)
  'canceled',
  'cancelled',
  'in-progress',
  'wait',
  'waiting',
  'background-image',
  'macros',
  'file',
  'file-path',
]);

/**
 * A user's key as a property name that Logseq takes as plain data: a reserved name gets the
 * kind of data it names in front (`id` of an input is `input-id`, `title` is `input-title`).
 */
export function userPropertyKey(key: string, kind: string): string {
  return RESERVED_PROPERTIES.has(key) ? `${kind}-${key}` : key;
}
