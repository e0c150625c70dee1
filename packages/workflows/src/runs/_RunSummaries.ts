import { type Stats, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseRunLog } from './_parseRunLog.js';
import { RecentFolds } from './_RecentFolds.js';
import {
  type LogStamp,
  readSummaryFile,
  type StoredSummary,
  sameStamp,
  stampOf,
  writeSummaryFile,
} from './_summaryFile.js';
import { applyEvent, foldRun, initialState } from './foldRun.js';
import type { RunEvent } from './RunEvent.js';
import type { RunState } from './RunState.js';
import { type RunSummary, summaryOf } from './RunSummary.js';

/**
 * The events of a step's progress within a drive. Their summary is kept in memory and reaches
 * the file with the run's next other event (a stage or run boundary, a suspension, a note, a
 * gate), not on its own: a step then writes no more bytes than its events. A run at rest always
 * ends with such another event; one whose drive died between boundaries is folded from its log
 * once by the next `list()`, which writes its summary.
 */
export const STEP_PROGRESS: ReadonlySet<RunEvent['type']> = new Set<RunEvent['type']>([
  'step_started',
  'step_succeeded',
  'step_failed',
  'step_skipped',
  'journal_page',
]);

/**
 * The summaries of a `FileRunStore`'s runs, one file beside each log (`summary.json`), so that
 * listing runs reads one small file and one `stat` per run instead of every log.
 *
 * - **Kept at append.** The store keeps the fold of each run it appends to (`foldRun`'s
 *   `applyEvent`, so a summary is what folding the log gives) and its summary after every event,
 *   with the stamp of the log it covers; the file is written at every event but a step's
 *   progress (`STEP_PROGRESS`).
 * - **Trusted only when it covers the log as it is.** A summary whose stamp is not the log's
 *   (the process died between the append and the summary, the run was written by an older
 *   version or by two processes at once, the log was replaced), or that is missing or torn, is
 *   never used: the run is folded from its log, and its summary written again.
 */
export class RunSummaries {
  private readonly folds = new RecentFolds<RunState>();
  /** Summaries this store has found or written, checked against the log at every use. */
  private readonly known = new Map<string, StoredSummary>();
  /** How many runs were folded from their logs by `summaryOf` (the slow path). */
  rebuilds = 0;

  /** The run was removed: nothing this store knew of it holds any more. */
  forget(runId: string): void {
    this.folds.delete(runId);
    this.known.delete(runId);
  }

  /** The store read a run's whole log: keep its fold for the appends that follow. */
  loaded(runId: string, events: readonly RunEvent[]): void {
    this.folds.delete(runId);
    if (events.length === 0) return;
    try {
      this.folds.keep(runId, foldRun(events)!);
    } catch {
      // a log the fold refuses is listed from the log, as unreadable
    }
  }

  /**
   * The store appended `event` to the log `file` of the run in `dir`, leaving it `size` bytes
   * long: bring the run's summary up to date. Never throws: the event is stored whatever
   * happens here, and a summary not written is folded from the log at the next `list()`.
   */
  appended(runId: string, dir: string, file: string, event: RunEvent, size: number): void {
    const state = this.folded(runId, event);
    if (state === undefined) return;
    try {
      const stats = statSync(file);
      // Another process appended since: its summary, written after, is the one to keep.
      if (stats.size !== size) return;
      const stored: StoredSummary = { log: stampOf(stats), summary: summaryOf(state) };
      this.known.set(runId, stored);
      if (!STEP_PROGRESS.has(event.type)) writeSummaryFile(dir, stored);
    } catch {
      // ENOSPC, EACCES…: the next list() folds the log
    }
  }

  /**
   * What `list()` says of the run in `dir` before its lease is looked at: its summary when that
   * covers the log as it is now, else the fold of the log (whose summary is then written again);
   * `undefined` for a run without events. Throws what reading the log throws (a corrupt log).
   */
  async summaryOf(runId: string, dir: string, file: string): Promise<RunSummary | undefined> {
    let stats: Stats;
    try {
      stats = statSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const stamp = stampOf(stats);
    const known = this.known.get(runId);
    // A copy each time: what list() returns is the caller's.
    if (known !== undefined && sameStamp(known.log, stamp)) return { ...known.summary };
    const stored = readSummaryFile(dir, runId);
    if (stored !== undefined && sameStamp(stored.log, stamp)) {
      this.known.set(runId, stored);
      return { ...stored.summary };
    }
    return this.rebuild(runId, dir, file);
  }

  /** Folds the run from its log, remembers the summary and writes it for the next reader. */
  private async rebuild(runId: string, dir: string, file: string): Promise<RunSummary | undefined> {
    this.rebuilds++;
    const { text, stamp } = await readStamped(file);
    const state = foldRun(parseRunLog(text, file, runId));
    if (state === undefined) return undefined;
    const stored: StoredSummary = { log: stamp, summary: summaryOf(state) };
    this.known.set(runId, stored);
    try {
      // Not over a newer summary: an append since has written its own.
      if (sameStamp(stampOf(statSync(file)), stamp)) writeSummaryFile(dir, stored);
    } catch {
      // a folder this process may only read: list from the log again next time
    }
    return { ...stored.summary };
  }

  /** The fold of the run with `event` applied, or `undefined` when this store lacks what came before. */
  private folded(runId: string, event: RunEvent): RunState | undefined {
    let state = this.folds.get(runId);
    try {
      if (event.seq === 1) state = initialState(event);
      else if (state?.events === event.seq - 1) applyEvent(state, event);
      else state = undefined;
    } catch {
      state = undefined;
    }
    if (state === undefined) this.folds.delete(runId);
    else this.folds.keep(runId, state);
    return state;
  }
}

/**
 * The log's text with the stamp of exactly those bytes: the file may grow while it is read, and
 * a summary must never claim bytes it was not folded from.
 */
async function readStamped(file: string): Promise<{ text: string; stamp: LogStamp }> {
  const handle = await open(file, 'r');
  try {
    const stamp = stampOf(await handle.stat());
    const bytes = Buffer.alloc(stamp.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { text: bytes.toString('utf8', 0, filled), stamp: { ...stamp, size: filled } };
  } finally {
    await handle.close();
  }
}
