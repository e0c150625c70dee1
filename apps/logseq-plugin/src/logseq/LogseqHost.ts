/**
 * The part of Logseq's plugin API (`logseq.Editor`, `logseq.App`, `logseq.UI`) the plugin uses,
 * with the same names and arguments: `fromLogseq` adapts the real SDK to it, and the in-memory
 * fake of the tests implements it. Entities carry only the fields the plugin reads.
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
  page?: { id: number };
  /** File graphs: `true` on the first block of a page, when it holds the page's properties. */
  'preBlock?'?: unknown;
}

export interface InsertBlockOptions {
  /** Insert as the target's next sibling (or previous one with `before`) instead of a child. */
  sibling?: boolean;
  before?: boolean;
  /** The uuid the new block gets (the journal model's stable block uuids). */
  customUUID?: string;
  properties?: Record<string, unknown>;
  /** Whether Logseq starts editing the new block: never, for blocks the plugin writes. */
  focus?: boolean;
}

export interface LogseqEditor {
  getPage(nameOrId: string | number): Promise<LogseqPage | null>;
  createPage(
    name: string,
    properties: Record<string, unknown>,
    opts: { redirect: boolean; createFirstBlock: boolean },
  ): Promise<LogseqPage | null>;
  /** Creates (or returns) the journal page of a day, named as the graph names journal pages. */
  createJournalPage(date: string): Promise<LogseqPage | null>;
  getPageBlocksTree(page: string): Promise<LogseqBlock[] | null>;
  getBlock(uuid: string): Promise<LogseqBlock | null>;
  /** `target`: a block uuid, or a page name (the block goes to the end of the page). */
  insertBlock(
    target: string,
    content: string,
    opts: InsertBlockOptions,
  ): Promise<LogseqBlock | null>;
  updateBlock(uuid: string, content: string): Promise<void>;
  removeBlock(uuid: string): Promise<void>;
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
  /** DB graphs: tags are classes, not property values. */
  getTag(name: string): Promise<LogseqPage | null>;
  createTag(name: string): Promise<LogseqPage | null>;
  addBlockTag(uuid: string, tagUuid: string): Promise<void>;
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
