/**
 * The pages a run leaves in Logseq, as plain data: what the writers (file graph, Logseq's HTTP
 * API, the plugin's `logseq.Editor`) turn into Markdown files or API calls.
 */

/** One block (a bullet) and the blocks under it. */
export interface JournalBlock {
  /**
   * Stable: derived from the run id and the block's key (`runBlockUuid`), a UUID as Logseq's
   * `id::` takes it, so writing the run again updates this block instead of adding a copy.
   */
  uuid: string;
  /** The block's text: Markdown, may hold `#tags` and `[[links]]`; may span lines. */
  content: string;
  /** Block properties besides `id`; keys lower-case kebab-case, as Logseq keeps them. */
  properties: Record<string, string>;
  children: JournalBlock[];
}

/**
 * A page's property value: text (may hold `[[links]]`), a number, or a list of page names (a
 * writer renders them as links; `tags` and `alias` are page names by nature).
 */
export type JournalPropertyValue = string | number | string[];

export interface JournalPage {
  /** The page's name and title, namespaced with `/`: `TTA/Runs/package-release/2026-11-25 <run>`. */
  name: string;
  /**
   * Stable, like block uuids (`runBlockUuid`): what a writer addresses the page by where names do
   * not find it (DB graphs split `a/b/c` into pages and name it `c`) and links it by there.
   */
  uuid: string;
  /** Page properties (besides `title`, which a writer takes from `name`). */
  properties: Record<string, JournalPropertyValue>;
  blocks: JournalBlock[];
}

export interface RunJournal {
  /** The run these pages are of: every block's uuid is `isRunBlock(uuid, runId)`. */
  runId: string;
  /** The run page first, then a page per stage, then the pages the workflow asked for. */
  pages: JournalPage[];
  /** The block on the journal page of the day the run started, linking to the run page. */
  journalEntry: { date: string /* YYYY-MM-DD */; block: JournalBlock };
}

export interface JournalOptions {
  /** First part of every page name. Default: `TTA`. */
  prefix?: string;
  /**
   * IANA time zone for the day a run belongs to (its journal day and page name). Default: the
   * time zone of the machine or browser, as a person's Logseq journal is.
   */
  timeZone?: string;
}

/**
 * Where a journal goes: a file graph, Logseq's HTTP API, the plugin. Each call also gets the whole
 * journal, for links between its pages (`uuidLinks`).
 */
export interface JournalSink {
  /**
   * Creates the page or updates it: sets its properties, replaces the blocks with these uuids
   * (and removes the run's blocks no longer given), keeps whatever else a person wrote there.
   */
  writePage(page: JournalPage, journal: RunJournal): Promise<void>;
  /** Adds the block to the journal page of `date` (YYYY-MM-DD), or updates it by uuid. */
  addToJournal(date: string, block: JournalBlock, journal: RunJournal): Promise<void>;
}
