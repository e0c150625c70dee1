import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  formatLogseqDate,
  type JournalBlock,
  type JournalPage,
  type JournalSink,
} from '@tta-dev/workflows/journal';
import { LogseqError } from './LogseqError.js';
import { pageFileBody } from './logseqFileName.js';
import { mergeBlocks, parsePageOutline, propertiesBlock, renderPreamble } from './pageOutline.js';
import {
  CONFIG_FILE,
  type GraphConfig,
  NEW_GRAPH_CONFIG,
  readGraphConfig,
} from './readGraphConfig.js';

/** The graph folder when neither `--graph` nor `LOGSEQ_GRAPH_PATH` says: `.tta/logseq`. */
export const DEFAULT_GRAPH_DIR = join('.tta', 'logseq');

/** `--graph`, else `LOGSEQ_GRAPH_PATH`, else `.tta/logseq`, against `cwd`. */
export function resolveGraphDir(
  cwd: string,
  given?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return resolve(cwd, given || env.LOGSEQ_GRAPH_PATH || DEFAULT_GRAPH_DIR);
}

export interface LogseqFileGraphOptions {
  /** How long to wait for another writer's lock on the graph. Default 10 s. */
  lockTimeoutMs?: number;
}

/**
 * Writes journal pages into a Logseq file graph (a folder of Markdown files) as Logseq itself
 * would write them, so that Logseq, open on the graph or not, reads them as we meant:
 *
 * - a page is `pages/<name>.md`, named by the graph's `:file/name-format` (`___` for the
 *   namespace `/`, reserved characters percent-encoded), with `title::` and the page properties
 *   before the first block, where Logseq reads page properties; blocks carry `id::`;
 * - the journal block goes into `journals/<day>.md`, named by `:journal/file-name-format`;
 * - rewriting replaces our blocks by uuid (and removes those of the run no longer given) and
 *   keeps whatever a person wrote on the page and on the journal day;
 * - files are replaced atomically (a hidden temporary file, then a rename: Logseq's watcher
 *   ignores hidden files and never sees half a file), and not touched when nothing changed;
 *   writers of this graph take turns through a lock folder in `logseq/`.
 *
 * A graph folder that does not exist yet is created with a `logseq/config.edn` that sets
 * `:file/name-format :triple-lowbar`, so that Logseq reads the file names as we wrote them.
 */
export class LogseqFileGraph implements JournalSink {
  readonly graph: string;
  private config: GraphConfig | undefined;
  /** Files written by the last calls, relative to the graph (for reports). */
  readonly written: string[] = [];

  constructor(
    graph: string,
    private readonly options: LogseqFileGraphOptions = {},
  ) {
    this.graph = resolve(graph);
  }

  /** The file of a page, relative to the graph, as the graph's config names it. */
  async pageFile(name: string): Promise<string> {
    const config = await this.graphConfig();
    const wanted = `${pageFileBody(name, config.fileNameFormat)}.md`;
    // Logseq page names are case-insensitive: an existing file of the page in another case wins.
    const dir = join(this.graph, config.pagesDirectory);
    const existing = await readdir(dir).catch(() => [] as string[]);
    const found = existing.find((f) => f.toLowerCase() === wanted.toLowerCase());
    return join(config.pagesDirectory, found ?? wanted);
  }

  /** The journal file of a day (`YYYY-MM-DD`), relative to the graph. */
  async journalFile(date: string): Promise<string> {
    const config = await this.graphConfig();
    return join(
      config.journalsDirectory,
      `${formatLogseqDate(date, config.journalFileNameFormat)}.md`,
    );
  }

  async writePage(page: JournalPage): Promise<void> {
    const file = await this.pageFile(page.name);
    await this.update(file, (text) => {
      const outline = parsePageOutline(text);
      const legacy = outline.preamble.length === 0 ? propertiesBlock(outline.blocks[0]) : undefined;
      const blocks = legacy === undefined ? outline.blocks : outline.blocks.slice(1);
      const previous = legacy ?? outline.preamble;
      const ours = ownedBy(page.blocks);
      return [
        ...renderPreamble(page.name, page.properties, previous),
        '',
        ...mergeBlocks(blocks, page.blocks, ours),
      ];
    });
  }

  async addToJournal(date: string, block: JournalBlock): Promise<void> {
    const file = await this.journalFile(date);
    await this.update(file, (text) => {
      const outline = parsePageOutline(text);
      // Logseq's empty journal page is a lone "-": the first real block takes its place.
      const blocks = outline.blocks.filter((b) => b.lines.join('').trim() !== '-');
      return [...outline.preamble, ...mergeBlocks(blocks, [block], ownedBy([block]))];
    });
  }

  private async graphConfig(): Promise<GraphConfig> {
    this.config ??= await readGraphConfig(this.graph);
    return this.config;
  }

  /** Reads a file (empty when missing), rewrites it with `change`, under the graph's lock. */
  private async update(relative: string, change: (text: string) => string[]): Promise<void> {
    const config = await this.graphConfig();
    await this.withLock(async () => {
      if (!config.exists) await this.createGraph();
      const file = join(this.graph, relative);
      const before = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return '';
        throw error;
      });
      const after = `${change(before).join('\n').replace(/\n+$/, '')}\n`;
      if (after === before) return;
      await writeAtomically(file, after);
      this.written.push(relative);
    });
  }

  private async createGraph(): Promise<void> {
    const file = join(this.graph, CONFIG_FILE);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, NEW_GRAPH_CONFIG, { flag: 'wx' }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      },
    );
    this.config = { ...(await this.graphConfig()), exists: true };
  }

  private async withLock<T>(work: () => Promise<T>): Promise<T> {
    const lock = join(this.graph, 'logseq', '.tta-journal.lock');
    await mkdir(dirname(lock), { recursive: true });
    const deadline = Date.now() + (this.options.lockTimeoutMs ?? 10_000);
    for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
      try {
        await mkdir(lock);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        // A writer that died holding the lock: no write takes 30 s.
        const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
        if (age > 30_000) await rm(lock, { recursive: true, force: true });
        else if (Date.now() > deadline)
          throw new LogseqError(
            'failed',
            `another writer holds the lock of the Logseq graph ${this.graph} (${lock}); try again, or remove that folder if no tta is running`,
          );
        else await new Promise((r) => setTimeout(r, wait));
      }
    }
    try {
      return await work();
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}

/** Blocks of the same run as these: their uuids share the run's prefix (see `runBlockUuid`). */
function ownedBy(blocks: readonly JournalBlock[]): (id: string) => boolean {
  const prefixes = new Set(blocks.map((b) => b.uuid.slice(0, 14).toLowerCase()));
  return (id) => id[14] === '8' && prefixes.has(id.slice(0, 14));
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temp, text, { flush: true });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
