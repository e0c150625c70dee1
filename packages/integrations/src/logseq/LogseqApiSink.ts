import {
  formatLogseqDate,
  type JournalBlock,
  type JournalPage,
  type JournalPropertyValue,
  type JournalSink,
  type RunJournal,
  uuidLinks,
} from '@tta-dev/workflows/journal';
import { fileBlockText, oneLine, withoutPropertyLines } from './fileBlockText.js';
import { isLogseqError, LogseqError } from './LogseqError.js';
import { propertyText } from './pageOutline.js';

/**
 * One call of Logseq's plugin API by its SDK name (`Editor.getPage`, `App.getUserConfigs`),
 * through whichever way reaches the host: the plugin's `logseq` object or Logseq's HTTP API
 * server. A method the host lacks rejects as `isMissingMethod` tells.
 */
export type LogseqCall = (method: string, ...args: unknown[]) => Promise<unknown>;

/** A file-based Logseq graph (Markdown files, Logseq 0.10) or a DB-based one (SQLite, 2.x). */
export type LogseqGraphKind = 'file' | 'db';

interface PageEntity {
  uuid: string;
  name?: string;
  originalName?: string;
}

interface BlockEntity {
  uuid: string;
  /** File graphs: the raw text, property lines included. */
  content?: string;
  /** DB graphs: the text. */
  title?: string;
  /** File graphs: property values as written (`properties` holds them parsed). */
  propertiesTextValues?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  children?: unknown[];
  'preBlock?'?: boolean;
}

/**
 * Writes the journal model's pages through Logseq's plugin API, as each kind of graph needs:
 *
 * - **file graphs** (Logseq 0.10): pages by name; page properties in the page's first block;
 *   a block's properties and `id::` in its text, which is escaped as the file writer escapes it
 *   (Logseq re-reads the file); journal pages by the user's date format when the host has no
 *   `createJournalPage` (0.10.15 has none);
 * - **DB graphs** (Logseq 2.x): pages by the model's stable uuid (2.x splits `a/b/c` into parent
 *   pages and names the page `c`, so a name finds nothing, or another run's page); links to the
 *   run's pages as `[[uuid]]`; properties created with their type before a value is written,
 *   numbers sent as text (an integer is read as an entity id); the run's tag as a tag; the
 *   journal day sent as a local time (a bare `YYYY-MM-DD` is read as UTC midnight, the day
 *   before west of UTC).
 *
 * Blocks keep the model's uuids, so writing a run again updates them in place; the run's blocks
 * no longer given are removed, and blocks a person wrote stay. What was last written is
 * remembered, so rewriting a run as its events arrive only touches what changed.
 */
export class LogseqApiSink implements JournalSink {
  readonly #call: LogseqCall;
  #kind: Promise<LogseqGraphKind> | undefined;
  /** DB graphs: properties made (or found) with their type, by name. */
  readonly #properties = new Map<string, Promise<void>>();
  /** Fingerprints of what was last written, by page or block uuid. */
  readonly #written = new Map<string, string>();
  /** Whether the host has `createJournalPage` (Logseq 0.10.15 has not). */
  #hasJournalPages = true;

  constructor(call: LogseqCall, options: { kind?: LogseqGraphKind } = {}) {
    this.#call = call;
    if (options.kind !== undefined) this.#kind = Promise.resolve(options.kind);
  }

  /** Whether the open graph is file-based or DB-based (a Logseq without the question is 0.10). */
  graphKind(): Promise<LogseqGraphKind> {
    this.#kind ??= this.#call('App.checkCurrentIsDbGraph').then(
      (db) => (db === true ? 'db' : 'file'),
      (error: unknown) => {
        if (isMissingMethod(error)) return 'file';
        this.#kind = undefined;
        throw error;
      },
    );
    return this.#kind;
  }

  async writePage(page: JournalPage, journal: RunJournal): Promise<void> {
    await this.#failing(`writing the Logseq page "${page.name}"`, async () => {
      const kind = await this.graphKind();
      if (kind === 'db') {
        const links = uuidLinks(journal);
        const uuid = await this.#dbPage(page, links);
        await this.#syncBlocks(uuid, page.blocks, kind, links);
      } else {
        await this.#filePage(page);
        await this.#syncBlocks(page.name, page.blocks, kind, (text) => text);
      }
    });
  }

  async addToJournal(date: string, block: JournalBlock, journal: RunJournal): Promise<void> {
    await this.#failing(`writing to the Logseq journal of ${date}`, async () => {
      const kind = await this.graphKind();
      const page = await this.#journalPage(date, kind);
      await this.#syncBlocks(page, [block], kind, kind === 'db' ? uuidLinks(journal) : (t) => t);
    });
  }

  /** The journal page of a day: its name (file graphs) or uuid (DB graphs). */
  async #journalPage(date: string, kind: LogseqGraphKind): Promise<string> {
    if (this.#hasJournalPages)
      try {
        // A local time: Logseq formats the local day of the `Date` it parses.
        const page = (await this.#call(
          'Editor.createJournalPage',
          `${date}T12:00:00`,
        )) as PageEntity | null;
        if (page !== null) return kind === 'db' ? page.uuid : nameOf(page);
      } catch (error) {
        if (!isMissingMethod(error)) throw error;
        this.#hasJournalPages = false;
      }
    const configs = (await this.#call('App.getUserConfigs')) as { preferredDateFormat?: string };
    const title = formatLogseqDate(date, configs.preferredDateFormat ?? 'MMM do, yyyy');
    const page =
      ((await this.#call('Editor.getPage', title)) as PageEntity | null) ??
      ((await this.#call(
        'Editor.createPage',
        title,
        {},
        {
          journal: true,
          redirect: false,
          createFirstBlock: false,
        },
      )) as PageEntity | null);
    if (page === null) throw new Error(`Logseq did not create the journal page ${title}`);
    return kind === 'db' ? page.uuid : nameOf(page);
  }

  /** File graphs: the page by name, its properties in its first block. */
  async #filePage(page: JournalPage): Promise<void> {
    const properties = Object.fromEntries(
      Object.entries(page.properties).map(([key, value]) => [key, propertyText(key, value)]),
    );
    const fingerprint = JSON.stringify(properties);
    if (this.#written.get(page.uuid) === fingerprint) return;
    const found = (await this.#call('Editor.getPage', page.name)) as PageEntity | null;
    if (found === null) {
      const created = await this.#call('Editor.createPage', page.name, properties, {
        redirect: false,
        createFirstBlock: false,
      });
      if (created === null) throw new Error('Logseq did not create the page');
    } else {
      const [first] = await this.#tree(page.name);
      if (first?.['preBlock?'] === true) {
        for (const [key, value] of Object.entries(properties))
          if (textValueOf(first, key) !== value)
            await this.#call('Editor.upsertBlockProperty', first.uuid, key, value);
      } else {
        const text = Object.entries(properties)
          .map(([key, value]) => `${key}:: ${value}`)
          .join('\n');
        await this.#call(
          'Editor.insertBlock',
          first?.uuid ?? page.name,
          text,
          first === undefined ? { focus: false } : { sibling: true, before: true, focus: false },
        );
      }
    }
    this.#written.set(page.uuid, fingerprint);
  }

  /** DB graphs: the page by its uuid (made with it when missing), its tags and typed properties. */
  async #dbPage(page: JournalPage, links: (text: string) => string): Promise<string> {
    const found =
      ((await this.#call('Editor.getPage', page.uuid)) as PageEntity | null) ??
      ((await this.#call(
        'Editor.createPage',
        page.name,
        {},
        {
          redirect: false,
          createFirstBlock: false,
          customUUID: page.uuid,
        },
      )) as PageEntity | null);
    if (found === null) throw new Error('Logseq did not create the page');
    const fingerprint = JSON.stringify(page.properties);
    if (this.#written.get(found.uuid) === fingerprint) return found.uuid;
    const current = (await this.#call('Editor.getPageProperties', found.uuid)) as Readable | null;
    for (const [key, value] of Object.entries(page.properties)) {
      if (key === 'tags') {
        const had = current?.[':block/tags'];
        const tags = Array.isArray(had) ? had.map(String) : [];
        for (const tag of listOf(value)) if (!tags.includes(tag)) await this.#tag(found.uuid, tag);
      } else await this.#setDbProperty(found.uuid, key, linked(value, links), current);
    }
    this.#written.set(found.uuid, fingerprint);
    return found.uuid;
  }

  /** DB graphs: tags are classes the page is tagged with, not a property's text. */
  async #tag(uuid: string, name: string): Promise<void> {
    const tag =
      ((await this.#call('Editor.getTag', name)) as PageEntity | null) ??
      ((await this.#call('Editor.createTag', name)) as PageEntity | null);
    if (tag === null) throw new Error(`Logseq did not create the tag #${name}`);
    await this.#call('Editor.addBlockTag', uuid, tag.uuid);
  }

  /**
   * DB graphs: a property takes its type from its first value, and an integer value is read as
   * an entity id (0 fails, another may link an unrelated value): the property is made with its
   * type first, and numbers go as text, which a number property parses. `current`: the entity's
   * properties as `getPageProperties`/`getBlockProperties` give them (null: a new entity).
   */
  async #setDbProperty(
    uuid: string,
    key: string,
    value: JournalPropertyValue,
    current: Readable | null,
  ): Promise<void> {
    // Logseq's own properties (`logseq.order-list-type`) have closed values a plugin cannot set.
    if (key.startsWith('logseq.')) return;
    // Each value written to a text property is a new block: write only what changed.
    if (current !== null && sameValue(readableValue(current, key), value)) return;
    let made = this.#properties.get(key);
    if (made === undefined) {
      made = this.#makeProperty(key, value);
      this.#properties.set(key, made);
      made.catch(() => this.#properties.delete(key));
    }
    await made;
    const many = Array.isArray(value);
    await this.#call(
      'Editor.upsertBlockProperty',
      uuid,
      key,
      many ? value.map(oneLine) : oneLine(String(value)),
      ...(many ? [{ reset: true }] : []),
    );
  }

  async #makeProperty(key: string, value: JournalPropertyValue): Promise<void> {
    if ((await this.#call('Editor.getProperty', key)) !== null) return;
    await this.#call('Editor.upsertProperty', key, {
      type: typeof value === 'number' ? 'number' : 'default',
      cardinality: Array.isArray(value) ? 'many' : 'one',
    });
  }

  async #tree(page: string): Promise<BlockEntity[]> {
    return ((await this.#call('Editor.getPageBlocksTree', page)) as BlockEntity[] | null) ?? [];
  }

  /**
   * Makes the page's (or journal day's) blocks of this run the given ones: removes the run's
   * blocks no longer given, updates the others where they differ, inserts the missing ones in
   * their place, and leaves blocks of other runs and people alone.
   */
  async #syncBlocks(
    page: string,
    fresh: readonly JournalBlock[],
    kind: LogseqGraphKind,
    links: (text: string) => string,
  ): Promise<void> {
    const tree = await this.#tree(page);
    const wanted = new Set(allBlocks(fresh).map((b) => b.uuid.toLowerCase()));
    const prefixes = new Set([...wanted].map((uuid) => uuid.slice(0, 14)));
    const ours = (uuid: string) => uuid[14] === '8' && prefixes.has(uuid.slice(0, 14));
    const existing = new Map<string, BlockEntity>();
    const stale: string[] = [];
    const visit = (blocks: readonly unknown[]) => {
      for (const block of blocks.filter(isBlock)) {
        const uuid = block.uuid.toLowerCase();
        // Removing a block removes the blocks under it.
        if (ours(uuid) && !wanted.has(uuid)) stale.push(block.uuid);
        else {
          existing.set(uuid, block);
          visit(block.children ?? []);
        }
      }
    };
    visit(tree);
    for (const uuid of stale) {
      await this.#call('Editor.removeBlock', uuid);
      this.#written.delete(uuid);
    }

    const place = async (
      blocks: readonly JournalBlock[],
      parent: string,
      siblings: readonly BlockEntity[],
      inPage: boolean,
    ) => {
      const first = siblings.find((s) => !stale.includes(s.uuid));
      let previous: string | undefined;
      for (const block of blocks) {
        const found = existing.get(block.uuid.toLowerCase());
        const content = links(block.content);
        const fingerprint = JSON.stringify([content, block.properties]);
        if (found === undefined) {
          // After the previous sibling; after a file page's properties block, which stays
          // first; else before the first block there, or into the empty page or block.
          const [target, where] =
            previous !== undefined
              ? [previous, { sibling: true }]
              : first?.['preBlock?'] === true
                ? [first.uuid, { sibling: true }]
                : first !== undefined
                  ? [first.uuid, { sibling: true, before: true }]
                  : [parent, inPage ? {} : { sibling: false }];
          await this.#insert(target, where, block, content, kind);
        } else if (this.#written.get(block.uuid) !== fingerprint) {
          await this.#update(found, block, content, kind);
        }
        this.#written.set(block.uuid, fingerprint);
        await place(block.children, block.uuid, (found?.children ?? []).filter(isBlock), false);
        previous = block.uuid;
      }
    };
    await place(fresh, page, tree, true);
  }

  async #insert(
    target: string,
    where: { sibling?: boolean; before?: boolean },
    block: JournalBlock,
    content: string,
    kind: LogseqGraphKind,
  ): Promise<void> {
    const text = kind === 'file' ? fileBlockText(content, block.properties) : content;
    const inserted = await this.#call('Editor.insertBlock', target, text, {
      ...where,
      customUUID: block.uuid,
      focus: false,
    });
    if (inserted === null) throw new Error(`Logseq did not insert block ${block.uuid}`);
    if (kind === 'db')
      for (const [key, value] of Object.entries(block.properties))
        await this.#setDbProperty(block.uuid, key, value, null);
  }

  async #update(
    found: BlockEntity,
    block: JournalBlock,
    content: string,
    kind: LogseqGraphKind,
  ): Promise<void> {
    if (kind === 'db') {
      if ((found.title ?? found.content ?? '') !== content)
        await this.#call('Editor.updateBlock', block.uuid, content);
      if (Object.keys(block.properties).length === 0) return;
      const current = (await this.#call(
        'Editor.getBlockProperties',
        block.uuid,
      )) as Readable | null;
      for (const [key, value] of Object.entries(block.properties))
        await this.#setDbProperty(block.uuid, key, value, current ?? {});
      return;
    }
    // The whole raw text at once, `id::` included: a file graph's `updateBlock` replaces the
    // text, and setting properties beside it races with it.
    const text = fileBlockText(content, { ...block.properties, id: block.uuid });
    const same =
      withoutPropertyLines(found.content ?? '') === withoutPropertyLines(text) &&
      Object.entries(block.properties).every(([key, value]) => textValueOf(found, key) === value);
    if (!same) await this.#call('Editor.updateBlock', block.uuid, text);
  }

  async #failing(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (isLogseqError(error) && error.reason !== 'failed') throw error;
      throw new Error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }
}

/**
 * Whether a call failed because the host has no such method: a `LogseqError` of reason `method`
 * (the HTTP API's `MethodNotExist`), or the plugin SDK's "Not existed method #…".
 */
export function isMissingMethod(error: unknown): boolean {
  if (isLogseqError(error)) return error.reason === 'method';
  return error instanceof Error && /^Not existed method\b/.test(error.message);
}

/** A `LogseqError` of reason `method` for a host's "no such method" (the SDK's words). */
export function missingMethod(method: string, cause: unknown): LogseqError {
  return new LogseqError('method', `this Logseq has no API method ${method}`, { cause });
}

function nameOf(page: PageEntity): string {
  return page.originalName ?? page.name ?? page.uuid;
}

/** A file graph's property value as written (`propertiesTextValues`), else as parsed. */
function textValueOf(block: BlockEntity, key: string): string | undefined {
  const camel = key.replace(/[-.]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  for (const values of [block.propertiesTextValues, block.properties]) {
    const value = values?.[camel] ?? values?.[key];
    if (value !== undefined) return Array.isArray(value) ? value.join(', ') : String(value);
  }
  return undefined;
}

function linked(
  value: JournalPropertyValue,
  links: (text: string) => string,
): JournalPropertyValue {
  return typeof value === 'string' ? links(value) : value;
}

function listOf(value: JournalPropertyValue): string[] {
  return Array.isArray(value) ? value : [String(value)];
}

/** A block of the outline: not a `['uuid', id]` pair, nor a DB graph's property value block. */
function isBlock(child: unknown): child is BlockEntity {
  return (
    typeof child === 'object' &&
    child !== null &&
    !Array.isArray(child) &&
    'uuid' in child &&
    !(':logseq.property/created-from-property' in child)
  );
}

/** A DB graph's properties as `getPageProperties` gives them: `:<namespace>/<key>` → value. */
type Readable = Record<string, unknown>;

/** A property's value among an entity's, whichever plugin's namespace holds it. */
function readableValue(properties: Readable, key: string): unknown {
  const found = Object.entries(properties).find(([name]) => name.endsWith(`/${key}`));
  return found?.[1];
}

function sameValue(current: unknown, wanted: JournalPropertyValue): boolean {
  if (current === undefined || current === null) return false;
  const text = (value: unknown) =>
    Array.isArray(value)
      ? value
          .map((v) => oneLine(String(v)))
          .sort()
          .join('\n')
      : String(value);
  return text(current) === text(Array.isArray(wanted) ? wanted : oneLine(String(wanted)));
}

function allBlocks(blocks: readonly JournalBlock[]): JournalBlock[] {
  return blocks.flatMap((b) => [b, ...allBlocks(b.children)]);
}
