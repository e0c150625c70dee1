/** What the file-graph and DB-graph emulations give `emulateLogseq`, and the inspection types. */

/**
 * Who calls: a plugin (`invokeHostExportedApi.apply(pluginLocal, …)`, `this` is the plugin) or
 * the HTTP API server (`js-invoke` on `window.logseq.api`: `this` has no plugin `id`).
 */
export interface HostCaller {
  pluginId: string | undefined;
}

export type HostMethod = (caller: HostCaller, ...args: unknown[]) => unknown;

/** A property value as the graph stores it. */
export interface StoredProperty {
  /** File graphs: the parsed value (`gp-text/parse-property`); DB graphs: the value itself (a ref's content). */
  value: unknown;
  /** DB graphs: the property's `:logseq.property/type`. */
  type?: string;
  /** DB graphs: the property's cardinality. */
  cardinality?: 'one' | 'many';
}

export interface EmulatedPage {
  /** The entity id (`:db/id`). */
  id: number;
  uuid: string;
  /** `:block/name`: the lower-cased name. */
  name: string;
  /** The name as written (`:block/original-name` in 0.10.15, `:block/title` in 2.0.1). */
  title: string;
  journalDay?: number;
  /** The namespace parent's uuid (0.10.15 `:block/namespace`, 2.0.1 `:block/parent`). */
  parent?: string;
  /** Titles of the page's tags (2.0.1 `:block/tags`, built-in classes included). */
  tags: string[];
  /** By key (0.10.15: `run-id`) or by ident (2.0.1: `:plugin.property.<plugin>/run-id`). */
  properties: Record<string, StoredProperty>;
}

export interface EmulatedBlock {
  uuid: string;
  /** The block's text as stored: 0.10.15 `:block/content` (property lines included), 2.0.1 `:block/title`. */
  text: string;
  properties: Record<string, StoredProperty>;
  collapsed: boolean;
  /** File graphs: the block holds its page's properties. */
  preBlock?: boolean;
  children: EmulatedBlock[];
}

export interface Navigation {
  route: string;
  /** `params.name` as given. */
  name?: string;
  /** The uuid of the page the route opens, as the page view resolves the name; null: none. */
  page: string | null;
}

export interface Message {
  content: string;
  status: string | undefined;
}

/** The app state shared by both kinds of graph: editor, route, notifications. */
export interface HostState {
  editing: { uuid: string; content: string } | null;
  navigations: Navigation[];
  messages: Message[];
}

export interface GraphBackend {
  kind: 'file' | 'db';
  /** `window.logseq.api` methods emulated, by exported name. */
  api: Record<string, HostMethod>;
  pages(): EmulatedPage[];
  outline(pageUuidOrName: string): EmulatedBlock[];
  blockExists(uuid: string): boolean;
  file?(page: string): string;
}
