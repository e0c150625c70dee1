import { randomUUID } from 'node:crypto';
import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
// The store entry, not the package's: a command that only reads runs loads no persona registry.
import { ignoredFolder } from '@tta-dev/personas/store';
import { withAppendLock } from './_appendLock.js';
import { fileChanges } from './_fileChanges.js';
import { acquireFileLease, fileLeaseHeld, LEASE_FILE } from './_fileLease.js';
import { KeyedMutex } from './_KeyedMutex.js';
import { parseRunLog } from './_parseRunLog.js';
import { checkRunId, leaseArguments, prepareEvent } from './_prepareEvent.js';
import { RunSummaries } from './_RunSummaries.js';
import { followRun } from './followRun.js';
import {
  RUN_ID_PATTERN,
  type RunEvent,
  type RunEventInput,
  type RunEventType,
} from './RunEvent.js';
import type {
  ChangesOptions,
  FollowOptions,
  Lease,
  LeaseOptions,
  ListOptions,
  RunStore,
  RunStoreCallOptions,
  RunStoreOptions,
} from './RunStore.js';
import { compareRunSummaries, listedSummary, listedWith, type RunSummary } from './RunSummary.js';

export { LEASE_FILE };

/** Where runs are kept, relative to the project folder. */
export const DEFAULT_RUNS_DIR = '.tta/runs';
/** The log of one run, inside its folder. */
export const EVENTS_FILE = 'events.jsonl';

/**
 * Events after which the log is fsynced on its own: those that end a drive (the process usually
 * exits next). Between them the engine calls `sync()` before anything it does outside the log
 * (a step's work, a gate, a persona switch) and when a drive ends.
 */
export const SYNCED_EVENT_TYPES: ReadonlySet<RunEventType> = new Set<RunEventType>([
  'step_suspended',
  'run_completed',
  'run_failed',
  'run_cancelled',
  'run_queued',
]);

export interface FileRunStoreOptions extends RunStoreOptions {
  /** The project folder that `root` is resolved against. Default: `process.cwd()`. */
  cwd?: string;
  /** Folder holding one folder per run. Default: `DEFAULT_RUNS_DIR` under `cwd`. */
  root?: string;
}

/** What this store knows of a run's log file, so that an append need not read it. */
interface LogState {
  /** Size of the file as this store last left it, in bytes (0: no file). */
  readonly size: number;
  readonly nextSeq: number;
  /** The file ends in a torn line: the next event must start on a new line. */
  readonly torn: boolean;
}

/**
 * The default `RunStore`: one append-only JSON-lines log per run at `<root>/<runId>/events.jsonl`.
 *
 * - Appends go to the end (O_APPEND) and nothing written is ever rewritten. The first append to
 *   a run (or a `read`) reads the log once; after that the store keeps the next `seq` and the
 *   file's size, so an append costs the same however long the log is.
 * - Each append holds `<root>/<runId>/append.lock` (O_EXCL) for its one write, so that processes
 *   appending to one run at once (the engine, notes beside it, commands in turn) take turns:
 *   when the file has grown behind the store's back, the store reads it again before writing.
 * - The file is fsynced on `sync()` and after the events in `SYNCED_EVENT_TYPES`, and only when
 *   something was appended since; a new run's folder and file names are fsynced with its first
 *   sync. So a run costs one fsync per step boundary the engine asks for, and no more.
 * - After a crash the last line may be torn: it is ignored on read, and the next event starts on
 *   a new line (see `parseRunLog`).
 * - The lease is `<root>/<runId>/lease.json` (owner, pid, host, expiry), created and replaced
 *   atomically; a lease whose expiry passed, or whose process on this host is gone, can be taken
 *   over.
 */
export class FileRunStore implements RunStore {
  readonly root: string;
  private readonly now: () => number;
  private readonly secrets: readonly string[];
  private readonly logs = new Map<string, LogState>();
  private readonly mutex = new KeyedMutex();
  /** Runs this store appended to since their last fsync. */
  private readonly unsynced = new Set<string>();
  /** Runs whose folder and log this store created, their names not fsynced yet. */
  private readonly unsyncedNames = new Set<string>();
  private readonly summaries = new RunSummaries();

  constructor(options: FileRunStoreOptions = {}) {
    this.root = resolve(options.cwd ?? process.cwd(), options.root ?? DEFAULT_RUNS_DIR);
    this.now = options.now ?? Date.now;
    this.secrets = [...(options.secrets ?? [])];
  }

  /** The folder of a run. */
  runDir(runId: string): string {
    checkRunId(runId);
    return join(this.root, runId);
  }

  /** The event log of a run. */
  eventsFile(runId: string): string {
    return join(this.runDir(runId), EVENTS_FILE);
  }

  async append(
    runId: string,
    event: RunEventInput,
    options: RunStoreCallOptions = {},
  ): Promise<RunEvent> {
    options.signal?.throwIfAborted();
    const file = this.eventsFile(runId);
    return this.mutex.run(runId, async () => {
      try {
        return await this.appendNow(runId, file, event);
      } catch (error) {
        this.logs.delete(runId); // whatever happened, look at the file afresh next time
        throw error;
      }
    });
  }

  async read(runId: string, options: RunStoreCallOptions = {}): Promise<RunEvent[]> {
    options.signal?.throwIfAborted();
    const file = this.eventsFile(runId);
    return this.mutex.run(runId, async () => (await this.load(runId, file)).events);
  }

  async list(options: ListOptions = {}): Promise<RunSummary[]> {
    options.signal?.throwIfAborted();
    const wanted = listedWith(options);
    let names: string[];
    try {
      names = (await readdir(this.root, { withFileTypes: true }))
        .filter((entry) => entry.isDirectory() && RUN_ID_PATTERN.test(entry.name))
        .map((entry) => entry.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const summaries: RunSummary[] = [];
    for (const runId of names) {
      options.signal?.throwIfAborted();
      const summary = await this.summary(runId);
      if (summary !== undefined && wanted(summary)) summaries.push(summary);
    }
    return summaries.sort(compareRunSummaries);
  }

  async summary(runId: string, options: RunStoreCallOptions = {}): Promise<RunSummary | undefined> {
    options.signal?.throwIfAborted();
    const dir = this.runDir(runId);
    return listedSummary(
      runId,
      () => this.summaries.summaryOf(runId, dir, join(dir, EVENTS_FILE)),
      () => fileLeaseHeld(dir, this.now()),
    );
  }

  async lease(
    runId: string,
    owner: string,
    options: LeaseOptions = {},
  ): Promise<Lease | undefined> {
    const ttlMs = leaseArguments(runId, owner, options);
    const dir = this.runDir(runId);
    mkdirSync(dir, { recursive: true });
    this.ignored();
    return acquireFileLease(dir, runId, owner, ttlMs, { now: this.now });
  }

  /** `followRun` on this store: fs.watch on the run's folder, polling only where it cannot. */
  follow(runId: string, options: FollowOptions = {}): AsyncIterable<RunEvent> {
    return followRun(this, runId, options);
  }

  /** Each run as it is appended to: `watchRuns` for new runs, `followRun` for each run. */
  changes(options: ChangesOptions = {}): AsyncIterable<string> {
    return fileChanges(this, options);
  }

  /**
   * Deletes the run's folder: first renamed to a hidden name (which `list` skips, as no run id
   * starts with a dot), so that a crash midway leaves no half run, then removed.
   */
  async remove(runId: string, options: RunStoreCallOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    const dir = this.runDir(runId);
    await this.mutex.run(runId, async () => {
      const aside = join(this.root, `.removed-${runId}-${randomUUID().slice(0, 8)}`);
      try {
        renameSync(dir, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      this.logs.delete(runId);
      this.unsynced.delete(runId);
      this.unsyncedNames.delete(runId);
      this.summaries.forget(runId);
      syncFile(this.root, false);
      await rm(aside, { recursive: true, force: true });
    });
  }

  /** Nothing to end: the file store holds nothing open between calls. */
  async close(): Promise<void> {}

  /** Makes every event appended to the run so far durable (fsync). */
  async sync(runId: string, options: RunStoreCallOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    const file = this.eventsFile(runId);
    return this.mutex.run(runId, () => this.syncNow(runId, file));
  }

  /**
   * fsyncs what this store appended to the run since the last time, if anything: the log's data
   * and size (fdatasync: all an append changes) and, for a new run, the names of its folder and
   * file.
   *
   * Synchronously: it blocks the event loop for one fsync per step, but through the thread pool
   * the same fsync costs a second wake-up, the main thread's after the worker's, and on a busy
   * machine that doubled it (median 1.2–1.4 ms against 0.7–0.8 ms, interleaved, at load 9).
   */
  private async syncNow(runId: string, file: string): Promise<void> {
    if (this.unsynced.has(runId)) {
      syncFile(file, true);
      this.unsynced.delete(runId);
    }
    if (this.unsyncedNames.has(runId)) {
      syncFile(join(this.root, runId), false);
      syncFile(this.root, false);
      this.unsyncedNames.delete(runId);
    }
  }

  private async appendNow(runId: string, file: string, input: RunEventInput): Promise<RunEvent> {
    const known = this.logs.get(runId) ?? (await this.load(runId, file)).state;
    // Validate before touching the disk: an invalid event leaves no trace, not even a folder.
    const prepared = prepareEvent(runId, input, known.nextSeq, this.now(), this.secrets);
    const dir = join(this.root, runId);
    if (known.size === 0) {
      mkdirSync(dir, { recursive: true });
      this.ignored();
      this.unsyncedNames.add(runId);
    }
    const event = await withAppendLock(dir, async () => {
      // Synchronous, as the lock is: each call takes microseconds, a round trip through libuv's
      // thread pool far more, and there are two appends per step.
      const fd = openSync(file, 'a');
      try {
        let state = known;
        let event = prepared;
        const { size } = fstatSync(fd);
        // Another process appended (a note beside the engine, a command in turn): learn where
        // the log stands. Under the lock, nobody else writes until this event is written.
        if (size !== state.size) {
          state = (await this.load(runId, file)).state;
          event = prepareEvent(runId, input, state.nextSeq, this.now(), this.secrets);
        }
        const data = Buffer.from(`${state.torn ? '\n' : ''}${JSON.stringify(event)}\n`);
        writeAll(fd, data);
        this.unsynced.add(runId);
        this.logs.set(runId, {
          size: state.size + data.length,
          nextSeq: state.nextSeq + 1,
          torn: false,
        });
        return event;
      } finally {
        closeSync(fd);
      }
    });
    if (SYNCED_EVENT_TYPES.has(event.type)) await this.syncNow(runId, file);
    this.summaries.appended(runId, dir, file, event, this.logs.get(runId)?.size ?? 0);
    return event;
  }

  /** Git ignores the runs folder (once per store: the file is kept when it exists). */
  private ignoring = false;
  private ignored(): void {
    if (this.ignoring) return;
    ignoredFolder(this.root, 'run logs and leases');
    this.ignoring = true;
  }

  /** Reads the whole log, and remembers where it ends. Call inside the run's mutex. */
  private async load(
    runId: string,
    file: string,
  ): Promise<{ events: RunEvent[]; state: LogState }> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      bytes = Buffer.alloc(0);
    }
    const events = parseRunLog(bytes.toString('utf8'), file, runId);
    const state: LogState = {
      size: bytes.length,
      nextSeq: events.length + 1,
      torn: bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a,
    };
    this.logs.set(runId, state);
    this.summaries.loaded(runId, events);
    return { events, state };
  }
}

/** fsyncs a file (`data`: its data and size alone, fdatasync) or a folder; a file gone is fine. */
function syncFile(path: string, data: boolean): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (data) fdatasyncSync(fd);
    else fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}
