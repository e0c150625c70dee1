/**
 * The part of Logseq's plugin API (`logseq.Editor`, `logseq.App`, `logseq.UI`) the plugin's
 * commands use, with the same names and arguments: `fromLogseq` adapts the real SDK to it (the
 * journal writer calls the API by name instead, through `callOf`). Entities carry only the
 * fields the plugin reads.
 */

/** A page as the SDK returns it. `properties` keys differ by graph kind (see `propertyOf`). */
export interface LogseqPage {
  uuid: string;
  /** Lower-cased name in file graphs. */
  name: string;
  /** The name as written (file graphs); DB graphs give `title`. */
  originalName?: string;
  title?: string;
  properties?: Record<string, unknown>;
}

/** A block as the SDK returns it. */
export interface LogseqBlock {
  uuid: string;
  /** The block's raw text; in file graphs it includes the `key:: value` property lines. */
  content?: string;
  /** DB graphs (and newer file-graph versions) give the text as `title`. */
  title?: string;
  properties?: Record<string, unknown>;
  /** Nested blocks (`getPageBlocksTree`), or `['uuid', id]` references (`getBlock`). */
  children?: (LogseqBlock | readonly ['uuid', string])[];
  /** The block's page: `{ id }` in 0.10, the id itself in 2.x (`result->js`). */
  page?: { id: number } | number;
  /** File graphs: `true` on the first block of a page, when it holds the page's properties. */
  'preBlock?'?: unknown;
}

export interface LogseqEditor {
  getPage(nameOrId: string | number): Promise<LogseqPage | null>;
  /** DB graphs (2.x): a page's properties, which its entity does not carry. */
  getPageProperties(nameOrId: string | number): Promise<Record<string, unknown> | null>;
  /** A block's properties (DB graphs give them only so). */
  getBlockProperties(uuid: string): Promise<Record<string, unknown> | null>;
  getBlock(uuid: string): Promise<LogseqBlock | null>;
  updateBlock(uuid: string, content: string): Promise<void>;
  upsertBlockProperty(
    uuid: string,
    key: string,
    value: unknown,
    options?: { reset: boolean },
  ): Promise<void>;
  /** The uuid of the block being edited, or false. */
  checkEditing(): Promise<string | false>;
  /** The text in the editor (a slash command runs while its block is being edited). */
  getEditingBlockContent(): Promise<string>;
  /** Stops editing; Logseq saves the editor's text to the block first. */
  exitEditingMode(selectBlock?: boolean): Promise<void>;
}

export interface LogseqApp {
  checkCurrentIsDbGraph(): Promise<boolean>;
  /** Navigates: `pushState('page', { name })` opens a page. */
  pushState(route: 'page', params: { name: string }): void;
}

export interface LogseqUI {
  showMsg(content: string, status?: 'success' | 'warning' | 'error'): Promise<unknown>;
}

export interface LogseqHost {
  Editor: LogseqEditor;
  App: LogseqApp;
  UI: LogseqUI;
}
