import type {
  JournalBlock,
  JournalPage,
  JournalPropertyValue,
  JournalSink,
} from '@tta-dev/workflows/journal';
import type { InsertBlockOptions, LogseqBlock, LogseqHost } from './LogseqHost.js';
import {
  dbPropertyValue,
  fileBlockContent,
  filePropertyText,
  isLogseqProperty,
} from './properties.js';

/**
 * Writes the journal model's pages through `logseq.Editor`, in file graphs and DB graphs alike:
 *
 * - a page is created with its properties, or, when it exists, its properties are set where the
 *   graph keeps them (the first block of a file-graph page, the page itself in a DB graph);
 * - each block is written under its stable uuid: updated when Logseq has it, inserted in its
 *   place (after its previous sibling, or first under its parent) when not, so writing a run
 *   again never duplicates a block;
 * - the run's blocks the model no longer gives are removed; blocks a person wrote stay.
 *
 * What it last wrote is remembered, so rewriting a run as its events arrive only touches the
 * blocks that changed.
 */
export class LogseqJournalSink implements JournalSink {
  readonly #logseq: Pick<LogseqHost, 'Editor' | 'App'>;
  #dbGraph: Promise<boolean> | undefined;
  /** Fingerprints of what was last written, by block uuid and by page name. */
  readonly #written = new Map<string, string>();

  constructor(logseq: Pick<LogseqHost, 'Editor' | 'App'>) {
    this.#logseq = logseq;
  }

  async writePage(page: JournalPage): Promise<void> {
    try {
      const db = await this.#isDbGraph();
      await this.#writePageProperties(page, db);
      await this.#writeBlocks(page.name, page.blocks, db);
      await this.#removeStaleBlocks(page);
    } catch (error) {
      throw new Error(`writing the Logseq page "${page.name}" failed: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  async addToJournal(date: string, block: JournalBlock): Promise<void> {
    try {
      const db = await this.#isDbGraph();
      const page = await this.#logseq.Editor.createJournalPage(date);
      if (page === null) throw new Error('Logseq did not create the journal page');
      await this.#writeBlocks(page.originalName ?? page.title ?? page.name, [block], db);
    } catch (error) {
      throw new Error(`writing to the Logseq journal of ${date} failed: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  #isDbGraph(): Promise<boolean> {
    this.#dbGraph ??= this.#logseq.App.checkCurrentIsDbGraph().then(Boolean);
    return this.#dbGraph;
  }

  async #writePageProperties(page: JournalPage, db: boolean): Promise<void> {
    const editor = this.#logseq.Editor;
    const fingerprint = JSON.stringify(page.properties);
    const key = `page:${page.name.toLowerCase()}`;
    let target = await editor.getPage(page.name);
    if (target === null) {
      const properties = db ? dbProperties(page.properties) : fileProperties(page.properties);
      target = await editor.createPage(page.name, properties, {
        redirect: false,
        createFirstBlock: false,
      });
      if (target === null) throw new Error('Logseq did not create the page');
    } else if (this.#written.get(key) === fingerprint) {
      return;
    } else if (db) {
      // A DB graph keeps page properties on the page entity itself.
      for (const [name, value] of Object.entries(dbProperties(page.properties)))
        await editor.upsertBlockProperty(target.uuid, name, value, {
          reset: Array.isArray(value),
        });
    } else {
      // A file graph keeps them in the page's first block (its "pre-block").
      const first = (await editor.getPageBlocksTree(page.name))?.[0];
      const properties = fileProperties(page.properties);
      if (first?.['preBlock?'] === true) {
        for (const [name, value] of Object.entries(properties))
          await editor.upsertBlockProperty(first.uuid, name, value);
      } else {
        const text = fileBlockContent('', properties).replace(/^\n/, '');
        await editor.insertBlock(
          first?.uuid ?? page.name,
          text,
          first === undefined ? { focus: false } : { sibling: true, before: true, focus: false },
        );
      }
    }
    // A DB graph's tags are classes the page is tagged with, not a property's text.
    if (db) for (const tag of tagsOf(page.properties)) await this.#tag(target.uuid, tag);
    this.#written.set(key, fingerprint);
  }

  async #tag(uuid: string, name: string): Promise<void> {
    const editor = this.#logseq.Editor;
    const tag = (await editor.getTag(name)) ?? (await editor.createTag(name));
    if (tag === null) throw new Error(`Logseq did not create the tag #${name}`);
    await editor.addBlockTag(uuid, tag.uuid);
  }

  async #writeBlocks(
    pageName: string,
    blocks: readonly JournalBlock[],
    db: boolean,
    parent?: string,
  ): Promise<void> {
    const editor = this.#logseq.Editor;
    let previous: string | undefined;
    for (const [i, block] of blocks.entries()) {
      const fingerprint = JSON.stringify([block.content, block.properties]);
      const existing = await editor.getBlock(block.uuid);
      if (existing === null) {
        const [target, placement] = await this.#placeOf(pageName, blocks, i, previous, parent);
        const inserted = await editor.insertBlock(target, block.content, {
          ...placement,
          customUUID: block.uuid,
          properties: db ? dbProperties(block.properties) : { ...block.properties },
          focus: false,
        });
        if (inserted === null) throw new Error(`Logseq did not insert block ${block.uuid}`);
      } else if (this.#written.get(block.uuid) !== fingerprint) {
        if (db) {
          await editor.updateBlock(block.uuid, block.content);
          for (const [name, value] of Object.entries(dbProperties(block.properties)))
            await editor.upsertBlockProperty(block.uuid, name, value);
        } else {
          // The raw text, properties and `id::` included: a file graph's `updateBlock` replaces
          // the whole text, and setting properties separately races with it.
          await editor.updateBlock(
            block.uuid,
            fileBlockContent(block.content, { ...block.properties, id: block.uuid }),
          );
        }
      }
      this.#written.set(block.uuid, fingerprint);
      await this.#writeBlocks(pageName, block.children, db, block.uuid);
      previous = block.uuid;
    }
  }

  /** Where a missing block goes: after its previous sibling, before its next, first under its parent, or at the end of the page. */
  async #placeOf(
    pageName: string,
    siblings: readonly JournalBlock[],
    index: number,
    previous: string | undefined,
    parent: string | undefined,
  ): Promise<[string, Pick<InsertBlockOptions, 'sibling' | 'before'>]> {
    if (previous !== undefined) return [previous, { sibling: true }];
    for (const next of siblings.slice(index + 1))
      if ((await this.#logseq.Editor.getBlock(next.uuid)) !== null)
        return [next.uuid, { sibling: true, before: true }];
    if (parent !== undefined) return [parent, { sibling: false }];
    return [pageName, {}];
  }

  /**
   * Removes the blocks of the page's run that the model no longer gives (a step's instructions
   * once it is completed). A run's block uuids share their first 48 bits and are version 8
   * (`runBlockUuid`); other blocks on the page are a person's and stay.
   */
  async #removeStaleBlocks(page: JournalPage): Promise<void> {
    const wanted = new Set<string>();
    const collect = (blocks: readonly JournalBlock[]) => {
      for (const block of blocks) {
        wanted.add(block.uuid.toLowerCase());
        collect(block.children);
      }
    };
    collect(page.blocks);
    const first = page.blocks[0];
    if (first === undefined) return;
    const runPrefix = first.uuid.slice(0, 14).toLowerCase();
    const isStale = (uuid: string) => {
      const id = uuid.toLowerCase();
      return id.startsWith(runPrefix) && id[14] === '8' && !wanted.has(id);
    };
    const stale: string[] = [];
    const walk = (blocks: readonly LogseqBlock[]) => {
      for (const block of blocks) {
        // Removing a block removes the blocks under it.
        if (isStale(block.uuid)) stale.push(block.uuid);
        else walk((block.children ?? []).filter(isBlock));
      }
    };
    walk((await this.#logseq.Editor.getPageBlocksTree(page.name)) ?? []);
    for (const uuid of stale) {
      await this.#logseq.Editor.removeBlock(uuid);
      this.#written.delete(uuid);
    }
  }
}

function isBlock(child: LogseqBlock | readonly ['uuid', string]): child is LogseqBlock {
  return !Array.isArray(child);
}

function fileProperties(properties: Record<string, JournalPropertyValue>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [key, filePropertyText(value)]),
  );
}

function dbProperties(
  properties: Record<string, JournalPropertyValue>,
): Record<string, string | number | string[]> {
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([key]) => key !== 'tags' && !isLogseqProperty(key))
      .map(([key, value]) => [key, dbPropertyValue(value)]),
  );
}

function tagsOf(properties: Record<string, JournalPropertyValue>): string[] {
  const tags = properties.tags;
  return tags === undefined ? [] : Array.isArray(tags) ? tags : [String(tags)];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
