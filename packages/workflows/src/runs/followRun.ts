import { open, readdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { ChangeWaiter } from './_ChangeWaiter.js';
import { RunLogParser } from './_parseRunLog.js';
import { followAfter } from './_prepareEvent.js';
import { RunLogCorruptError } from './errors/RunLogCorruptError.js';
import { RUN_ID_PATTERN, type RunEvent } from './RunEvent.js';

/** Where runs' logs are: a `FileRunStore`, or anything else that lays them out the same way. */
export interface FollowableRunStore {
  /** The folder holding one folder per run. */
  readonly root: string;
  /** The log of one run; throws `InvalidRunIdError` for a bad id. */
  eventsFile(runId: string): string;
}

export interface WatchOptions {
  /** Ends the iteration (quietly) when aborted; without it, iteration goes on until `return()`. */
  signal?: AbortSignal;
  /**
   * How often to look while fs.watch cannot watch (a folder not made yet, a platform without
   * fs.watch), in milliseconds. Default: 1000. While fs.watch watches, nothing polls.
   */
  pollMs?: number;
  /**
   * Use fs.watch; `false` polls only, every `pollMs`: for file systems where fs.watch misses
   * changes made by other machines (NFS). Default: true.
   */
  watch?: boolean;
}

export interface FollowRunOptions extends WatchOptions {
  /**
   * Yield the events after this `seq`: 0 (the default) for the whole run, the last `seq` a reader
   * has seen to resume, or `'end'` for only the events appended from now on.
   */
  after?: number | 'end';
}

/** A run folder that `watchRuns` found. */
export interface RunAppeared {
  readonly runId: string;
  /** It was there when watching began (`false`: created since). */
  readonly existed: boolean;
}

const DEFAULT_POLL_MS = 1000;
const NEWLINE = 0x0a;

/**
 * The events of a run after `options.after`, then each new one as it is appended, by this process
 * or another, until `options.signal` aborts. Reads only the bytes added since it last looked,
 * checking them as `FileRunStore.read` does (a torn line is skipped, a gap in `seq` throws
 * `RunLogCorruptError`). A run that does not exist yet is waited for.
 *
 * ```ts
 * for await (const event of followRun(store, runId, { after: lastSeen, signal })) show(event);
 * ```
 */
export async function* followRun(
  store: FollowableRunStore,
  runId: string,
  options: FollowRunOptions = {},
): AsyncGenerator<RunEvent, void, undefined> {
  const file = store.eventsFile(runId);
  const { signal } = options;
  const after = followAfter(options);
  // The run's folder is watched, not the file: the file may not exist yet.
  const name = basename(file);
  const waiter = new ChangeWaiter(dirname(file), {
    pollMs: options.pollMs ?? DEFAULT_POLL_MS,
    watch: options.watch ?? true,
    ...(signal === undefined ? {} : { signal }),
    accept: (changed) => changed === name,
  });
  const tail = new LogTail(file, runId);
  try {
    let skip = after === 'end' ? 0 : after;
    tail.passing = after === 'end' ? Number.POSITIVE_INFINITY : after;
    if (after === 'end') {
      await tail.read();
      skip = tail.count;
      tail.passing = skip;
    }
    while (signal?.aborted !== true) {
      for (const event of await tail.read()) {
        if (event.seq <= skip) continue;
        yield event;
        if (signal?.aborted) return;
      }
      await waiter.wait();
    }
  } finally {
    waiter.close();
  }
}

/**
 * Every run folder under the store's root: first those there now (`existed: true`, by id), then
 * each new one as it is created, until `options.signal` aborts. Pair it with `followRun` to see
 * every run's events. A root that does not exist yet is waited for.
 */
export async function* watchRuns(
  store: Pick<FollowableRunStore, 'root'>,
  options: WatchOptions = {},
): AsyncGenerator<RunAppeared, void, undefined> {
  const { signal } = options;
  const waiter = new ChangeWaiter(store.root, {
    pollMs: options.pollMs ?? DEFAULT_POLL_MS,
    watch: options.watch ?? true,
    ...(signal === undefined ? {} : { signal }),
  });
  const seen = new Set<string>();
  let existed = true;
  try {
    while (signal?.aborted !== true) {
      for (const runId of await runFolders(store.root)) {
        if (seen.has(runId)) continue;
        seen.add(runId);
        yield { runId, existed };
        if (signal?.aborted) return;
      }
      existed = false;
      await waiter.wait();
    }
  } finally {
    waiter.close();
  }
}

async function runFolders(root: string): Promise<string[]> {
  try {
    return (await readdir(root, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && RUN_ID_PATTERN.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The end of a log that grows: reads what was added since the last read, line by line. */
class LogTail {
  private readonly parser: RunLogParser;
  /** Bytes of the file read so far. */
  private offset = 0;
  /** Bytes of a line whose newline has not been read yet. */
  private pending = Buffer.alloc(0);
  private lineNo = 0;
  /** The last line was taken before its newline came (it was whole JSON): skip that newline. */
  private midLine = false;
  /** Events up to this seq are passed over, checked for their place only (`RunLogParser.line`). */
  passing = 0;

  constructor(
    private readonly file: string,
    runId: string,
  ) {
    this.parser = new RunLogParser(file, runId);
  }

  /** Events read so far: the `seq` of the last one. */
  get count(): number {
    return this.parser.count;
  }

  /** The events appended since the last read (none while the file does not exist). */
  async read(): Promise<RunEvent[]> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size < this.offset)
        throw new RunLogCorruptError(
          this.file,
          this.lineNo,
          `the log shrank from ${this.offset} to ${size} bytes (logs are append-only: was it replaced?)`,
        );
      if (size === this.offset) return [];
      const chunk = Buffer.alloc(size - this.offset);
      let filled = 0;
      while (filled < chunk.length) {
        const { bytesRead } = await handle.read(
          chunk,
          filled,
          chunk.length - filled,
          this.offset + filled,
        );
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      this.offset += filled;
      return this.take(chunk.subarray(0, filled));
    } finally {
      await handle.close();
    }
  }

  private take(chunk: Buffer): RunEvent[] {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const events: RunEvent[] = [];
    let start = 0;
    for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
      const line = data.toString('utf8', start, end);
      start = end + 1;
      if (this.midLine) {
        this.midLine = false;
        if (line === '') continue; // the newline of the line already taken
      } else this.lineNo++;
      this.push(events, line);
    }
    this.pending = Buffer.from(data.subarray(start));
    // A last line without its newline yet: take it if it is whole, as a full read would.
    if (this.pending.length > 0) {
      const line = this.pending.toString('utf8');
      if (isJson(line)) {
        this.lineNo++;
        this.push(events, line);
        this.pending = Buffer.alloc(0);
        this.midLine = true;
      }
    }
    return events;
  }

  private push(events: RunEvent[], line: string): void {
    const event = this.parser.line(line, this.lineNo, this.parser.count < this.passing);
    if (event !== undefined) events.push(event);
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
