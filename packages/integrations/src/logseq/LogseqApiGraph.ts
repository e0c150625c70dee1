import type {
  JournalBlock,
  JournalPage,
  JournalPropertyValue,
  JournalSink,
} from '@tta-dev/workflows/journal';
import { formatLogseqDate } from './formatLogseqDate.js';
import { LogseqApi, type LogseqApiOptions } from './LogseqApi.js';
import { isLogseqError } from './LogseqError.js';
import { escapeContent, propertyText } from './pageOutline.js';

/** A file-based Logseq graph (Markdown files) or a DB-based one (SQLite). */
export type LogseqGraphKind = 'file' | 'db';

export interface LogseqApiGraphOptions extends LogseqApiOptions {
  /** Default: asked of Logseq (`logseq.App.checkCurrentIsDbGraph`; a Logseq without it is file-based). */
  kind?: LogseqGraphKind;
}

/** A block as `getPageBlocksTree` gives it (`content` in file graphs, `title` in DB graphs). */
interface BlockEntity {
  uuid: string;
  content?: string;
  title?: string;
  properties?: Record<string, unknown>;
  children?: BlockEntity[];
  'preBlock?'?: boolean;
}

interface PageEntity {
  uuid: string;
  name: string;
  originalName?: string;
  title?: string;
  properties?: Record<string, unknown>;
}

/**
 * Writes journal pages into the graph open in Logseq, through its HTTP API server, with the
 * methods plugins use (`logseq.Editor.*`). Blocks keep the model's uuids (`customUUID`), so a
 * rewrite updates them (`updateBlock`, `upsertBlockProperty`) instead of adding copies, removes
 * the run's blocks no longer given, and leaves other blocks alone. File and DB graphs differ in
 * where page properties live (a first properties block, or the page itself), in how tags are
 * set (a `tags::` property, or `addBlockTag`), and in a block's text (`content`, or `title`).
 */
export class LogseqApiGraph implements JournalSink {
  readonly api: LogseqApi;
  private kind: LogseqGraphKind | undefined;

  constructor(options: LogseqApiGraphOptions = {}) {
    this.api = new LogseqApi(options);
    this.kind = options.kind;
  }

  /** Whether the graph open in Logseq is file-based or DB-based. */
  async graphKind(): Promise<LogseqGraphKind> {
    if (this.kind === undefined) {
      try {
        this.kind = (await this.api.call<boolean>('logseq.App.checkCurrentIsDbGraph'))
          ? 'db'
          : 'file';
      } catch (error) {
        // Logseq versions from before DB graphs lack the method, and are file-based.
        if (!isLogseqError(error) || error.reason !== 'method') throw error;
        this.kind = 'file';
      }
    }
    return this.kind;
  }

  async writePage(page: JournalPage): Promise<void> {
    const kind = await this.graphKind();
    let entity = await this.api.call<PageEntity | null>('logseq.Editor.getPage', page.name);
    const created = entity === null;
    if (entity === null) {
      entity = await this.api.call<PageEntity | null>(
        'logseq.Editor.createPage',
        page.name,
        kind === 'file' ? fileProperties(page.properties) : {},
        { createFirstBlock: false, redirect: false },
      );
      if (entity === null) throw new Error(`Logseq did not create the page ${page.name}`);
    }
    let tree = await this.tree(entity);
    if (kind === 'db') await this.setDbPageProperties(entity, page.properties);
    else if (!created) {
      await this.setFilePageProperties(entity, page.properties, tree);
      tree = await this.tree(entity);
    }
    await this.syncBlocks(entity, tree, page.blocks);
  }

  async addToJournal(date: string, block: JournalBlock): Promise<void> {
    const page = await this.journalPage(date);
    await this.syncBlocks(page, await this.tree(page), [block]);
  }

  private async journalPage(date: string): Promise<PageEntity> {
    try {
      const page = await this.api.call<PageEntity | null>('logseq.Editor.createJournalPage', date);
      if (page !== null) return page;
    } catch (error) {
      if (!isLogseqError(error) || error.reason !== 'method') throw error;
    }
    // Older Logseq: the journal page is named by the user's date format.
    const configs = await this.api.call<{ preferredDateFormat?: string }>(
      'logseq.App.getUserConfigs',
    );
    const name = formatLogseqDate(date, configs.preferredDateFormat ?? 'MMM do, yyyy');
    const found = await this.api.call<PageEntity | null>('logseq.Editor.getPage', name);
    if (found !== null) return found;
    const page = await this.api.call<PageEntity | null>(
      'logseq.Editor.createPage',
      name,
      {},
      {
        journal: true,
        createFirstBlock: false,
        redirect: false,
      },
    );
    if (page === null) throw new Error(`Logseq did not create the journal page ${name}`);
    return page;
  }

  private async tree(page: PageEntity): Promise<BlockEntity[]> {
    return (
      (await this.api.call<BlockEntity[] | null>('logseq.Editor.getPageBlocksTree', page.uuid)) ??
      []
    );
  }

  /** File graphs keep page properties in the page's first block, made of properties only. */
  private async setFilePageProperties(
    page: PageEntity,
    properties: Record<string, JournalPropertyValue>,
    tree: BlockEntity[],
  ): Promise<void> {
    const first = tree[0];
    const wanted = fileProperties(properties);
    if (first?.['preBlock?']) {
      for (const [key, value] of Object.entries(wanted))
        if (String(first.properties?.[camel(key)] ?? first.properties?.[key] ?? '') !== value)
          await this.api.call('logseq.Editor.upsertBlockProperty', first.uuid, key, value);
      return;
    }
    const text = Object.entries(wanted)
      .map(([key, value]) => `${key}:: ${value}`)
      .join('\n');
    if (first === undefined)
      await this.api.call('logseq.Editor.insertBlock', page.uuid, text, { isPageBlock: true });
    else
      await this.api.call('logseq.Editor.insertBlock', first.uuid, text, {
        sibling: true,
        before: true,
      });
  }

  /** DB graphs keep page properties on the page; tags are classes, added with `addBlockTag`. */
  private async setDbPageProperties(
    page: PageEntity,
    properties: Record<string, JournalPropertyValue>,
  ): Promise<void> {
    for (const [key, value] of Object.entries(properties)) {
      if (key === 'tags' && Array.isArray(value)) {
        for (const tag of value) {
          if ((await this.api.call('logseq.Editor.getPage', tag)) === null)
            await this.api.call('logseq.Editor.createTag', tag);
          await this.api.call('logseq.Editor.addBlockTag', page.uuid, tag);
        }
        continue;
      }
      const wanted = typeof value === 'number' ? value : propertyText(key, value);
      const current = page.properties?.[camel(key)] ?? page.properties?.[key];
      if (current === undefined || String(current) !== String(wanted))
        await this.api.call('logseq.Editor.upsertBlockProperty', page.uuid, key, wanted);
    }
  }

  /**
   * Makes the page's blocks of this run the given ones: removes the run's blocks no longer
   * given, updates the others where they differ, inserts the missing ones after their previous
   * sibling (or first under their parent), and leaves blocks of other runs and people alone.
   */
  private async syncBlocks(
    page: PageEntity,
    tree: BlockEntity[],
    fresh: readonly JournalBlock[],
  ): Promise<void> {
    const prefixes = new Set(allBlocks(fresh).map((b) => b.uuid.slice(0, 14).toLowerCase()));
    const ours = (uuid: string) =>
      uuid[14] === '8' && prefixes.has(uuid.slice(0, 14).toLowerCase());
    const wanted = new Set(allBlocks(fresh).map((b) => b.uuid.toLowerCase()));
    const existing = new Map<string, BlockEntity>();
    const remove: string[] = [];
    const visit = (blocks: BlockEntity[]) => {
      for (const block of blocks) {
        const uuid = block.uuid.toLowerCase();
        if (ours(uuid) && !wanted.has(uuid)) remove.push(block.uuid);
        else {
          existing.set(uuid, block);
          visit(block.children ?? []);
        }
      }
    };
    visit(tree);
    for (const uuid of remove) await this.api.call('logseq.Editor.removeBlock', uuid);
    const kind = await this.graphKind();
    const place = async (
      blocks: readonly JournalBlock[],
      parent: { page: PageEntity } | { block: string },
      siblings: BlockEntity[],
    ) => {
      let previous: string | undefined;
      for (const block of blocks) {
        const uuid = block.uuid.toLowerCase();
        const found = existing.get(uuid);
        if (found !== undefined) await this.update(found, block, kind);
        else {
          const first = siblings.find((s) => !remove.includes(s.uuid));
          // A file graph's page properties block stays first.
          const properties = first?.['preBlock?'] ? first.uuid : undefined;
          const [target, opts] =
            previous !== undefined
              ? [previous, { sibling: true }]
              : properties !== undefined
                ? [properties, { sibling: true }]
                : first !== undefined
                  ? [first.uuid, { sibling: true, before: true }]
                  : 'page' in parent
                    ? [parent.page.uuid, { isPageBlock: true }]
                    : [parent.block, { sibling: false }];
          await this.api.call('logseq.Editor.insertBlock', target, textOf(block, kind), {
            ...opts,
            customUUID: block.uuid,
            // File graphs keep a block's uuid across restarts only as its id:: property.
            ...(kind === 'file' ? { properties: { id: block.uuid, ...block.properties } } : {}),
          });
          if (kind === 'db')
            for (const [key, value] of Object.entries(block.properties))
              await this.api.call('logseq.Editor.upsertBlockProperty', block.uuid, key, value);
        }
        await place(block.children, { block: block.uuid }, found?.children ?? []);
        previous = block.uuid;
      }
    };
    await place(fresh, { page }, tree);
  }

  private async update(
    found: BlockEntity,
    block: JournalBlock,
    kind: LogseqGraphKind,
  ): Promise<void> {
    const text = kind === 'db' ? (found.title ?? found.content) : found.content;
    const wanted = textOf(block, kind);
    if (withoutProperties(text ?? '') !== wanted.trim())
      await this.api.call('logseq.Editor.updateBlock', block.uuid, wanted);
    for (const [key, value] of Object.entries(block.properties)) {
      const current = found.properties?.[camel(key)] ?? found.properties?.[key];
      if (current === undefined || String(current) !== value)
        await this.api.call('logseq.Editor.upsertBlockProperty', block.uuid, key, value);
    }
  }
}

/**
 * A block's text as sent: a file graph writes it to Markdown and reads it back, so lines it would
 * read as blocks, headings or properties are escaped as the file writer escapes them.
 */
function textOf(block: JournalBlock, kind: LogseqGraphKind): string {
  return kind === 'file' ? escapeContent(block.content).join('\n') : block.content;
}

function allBlocks(blocks: readonly JournalBlock[]): JournalBlock[] {
  return blocks.flatMap((b) => [b, ...allBlocks(b.children)]);
}

function fileProperties(properties: Record<string, JournalPropertyValue>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [key, propertyText(key, value)]),
  );
}

/** A file graph's block text holds its property lines; the model's content does not. */
function withoutProperties(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^[^\s:]+::(\s|$)/.test(line.trim()))
    .join('\n')
    .trim();
}

/** Logseq's API gives property keys camel-cased (`run-id` → `runId`). */
function camel(key: string): string {
  return key.replace(/[-.]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
