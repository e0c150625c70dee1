import {
  closeSync,
  constants,
  openSync,
  readFileSync,
  readSync,
  type Stats,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { RunStatus } from './RunState.js';
import type { RunSummary } from './RunSummary.js';

/** The summary of a run, beside its log: what `list()` reads instead of the log. */
export const SUMMARY_FILE = 'summary.json';

/**
 * Which bytes of a log a summary was folded from. Logs are append-only, so a log whose size,
 * modification time and inode are these is the log the summary was made from; any append since
 * (by this version or an older one), or a log replaced, shows in one of them.
 */
export interface LogStamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

/** What the summary file holds. */
export interface StoredSummary {
  readonly log: LogStamp;
  readonly summary: RunSummary;
}

const VERSION = 1;
/** The statuses a fold gives: `interrupted` and `unreadable` are the store's, found at `list()`. */
const FOLDED: ReadonlySet<RunStatus> = new Set<RunStatus>([
  'running',
  'suspended',
  'gate_failed',
  'failed',
  'completed',
  'cancelled',
]);

export const stampOf = (stats: Stats): LogStamp => ({
  size: stats.size,
  mtimeMs: stats.mtimeMs,
  ino: stats.ino,
});

export const sameStamp = (a: LogStamp, b: LogStamp): boolean =>
  a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;

/**
 * Writes the summary of the run in `dir`: one line, `<crc32> <json>\n`, written over the start
 * of the file in place. Not a temporary file and a rename: on ext4 a rename over a file flushes
 * its data, which cost more than the append it follows. A reader takes the first line only (a
 * longer line written before leaves bytes after the newline) and trusts it only when its
 * checksum holds, so a line torn by a crash or by two writers at once reads as no summary, and
 * the run is folded from its log. Synchronous: a few microseconds, at most once an append.
 */
export function writeSummaryFile(dir: string, stored: StoredSummary): void {
  const json = JSON.stringify({ v: VERSION, log: stored.log, summary: stored.summary });
  const line = Buffer.from(`${checksum(json)} ${json}\n`);
  // Neither truncated nor appended to: the line goes over the start of what is there.
  const fd = openSync(join(dir, SUMMARY_FILE), constants.O_WRONLY | constants.O_CREAT, 0o644);
  try {
    writeAll(fd, line);
  } finally {
    closeSync(fd);
  }
}

/**
 * The summary stored for the run `runId` in `dir`, or `undefined` when there is none that can be
 * trusted: missing, torn, damaged, of another version or of another run.
 */
export function readSummaryFile(dir: string, runId: string): StoredSummary | undefined {
  let text: string;
  try {
    text = firstLine(join(dir, SUMMARY_FILE));
  } catch {
    return undefined;
  }
  const end = text.indexOf('\n');
  const space = text.indexOf(' ');
  if (end < 0 || space < 0 || space > end) return undefined;
  const json = text.slice(space + 1, end);
  if (text.slice(0, space) !== checksum(json)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  return isStored(raw, runId) ? { log: raw.log, summary: raw.summary } : undefined;
}

/** Where a summary's line is read into: one read, without the fstat of `readFileSync`. */
const buffer = Buffer.alloc(4096);

/** The start of a file, up to and with its first newline when the line fits in `buffer`. */
function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    // A longer line than any summary has: read it whole.
    if (read === buffer.length && buffer.indexOf(0x0a) < 0) return readFileSync(fd, 'utf8');
    return buffer.toString('utf8', 0, read);
  } finally {
    closeSync(fd);
  }
}

function checksum(json: string): string {
  return crc32(json).toString(16).padStart(8, '0');
}

function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset, offset);
}

type Raw = Record<string, unknown>;
const isObject = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value);

/** A checksum guards against damage, not against a file of another shape: check that too. */
function isStored(raw: unknown, runId: string): raw is { log: LogStamp; summary: RunSummary } {
  if (!isObject(raw) || raw.v !== VERSION || !isObject(raw.log) || !isObject(raw.summary))
    return false;
  const { log, summary: s } = raw;
  return (
    isCount(log.size) &&
    Number.isFinite(log.mtimeMs) &&
    Number.isFinite(log.ino) &&
    s.runId === runId &&
    typeof s.workflow === 'string' &&
    FOLDED.has(s.status as RunStatus) &&
    typeof s.started === 'string' &&
    typeof s.updated === 'string' &&
    isCount(s.events) &&
    (s.stage === undefined || typeof s.stage === 'string') &&
    s.error === undefined
  );
}
