import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/** The largest user file read (a workflow, a persona, config.json, mcp_servers.json): 1 MiB. */
export const MAX_USER_FILE_BYTES = 1024 * 1024;

export interface ReadBoundedFileOptions {
  /** The largest size read, in bytes; default `MAX_USER_FILE_BYTES` (1 MiB). */
  readonly maxBytes?: number;
  /**
   * The error thrown for a file that is refused, given why (e.g. "it is a FIFO, not a regular
   * file"); default: an `Error` with that message, for loaders that wrap read errors anyway.
   */
  readonly refuse?: (reason: string) => Error;
}

// Non-blocking, so that opening a FIFO returns at once instead of waiting for a writer.
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a user's file as UTF-8, refusing at once what is not a regular file (a FIFO, a device,
 * a socket) or is larger than the limit, before reading any of it. Errors of the file system
 * (ENOENT, EACCES, EISDIR for a folder…) are thrown as they are.
 */
export async function readBoundedFile(
  file: string,
  options: ReadBoundedFileOptions = {},
): Promise<string> {
  const maxBytes = options.maxBytes ?? MAX_USER_FILE_BYTES;
  const handle = await open(file, FLAGS);
  try {
    check(await handle.stat(), maxBytes, options);
    // The file may grow after the stat: read one byte more than the limit to tell.
    const buffer = Buffer.allocUnsafe(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes)
      throw refuse(options, tooLarge(`over ${formatBytes(maxBytes)}`, maxBytes));
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}

/** `readBoundedFile` for the few places that must read synchronously. */
export function readBoundedFileSync(file: string, options: ReadBoundedFileOptions = {}): string {
  const maxBytes = options.maxBytes ?? MAX_USER_FILE_BYTES;
  const fd = openSync(file, FLAGS);
  try {
    check(fstatSync(fd), maxBytes, options);
    const buffer = Buffer.allocUnsafe(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes)
      throw refuse(options, tooLarge(`over ${formatBytes(maxBytes)}`, maxBytes));
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

const refuse = (options: ReadBoundedFileOptions, reason: string): Error =>
  options.refuse?.(reason) ?? new Error(reason);

/**
 * A folder is left to the read, which fails with the system's EISDIR: a folder where a file
 * should be is the machine's state, as for any other file the tools read.
 */
function check(stats: Stats, maxBytes: number, options: ReadBoundedFileOptions): void {
  if (stats.isDirectory()) return;
  if (!stats.isFile()) throw refuse(options, `it is ${kindOf(stats)}, not a regular file`);
  if (stats.size > maxBytes) throw refuse(options, tooLarge(formatBytes(stats.size), maxBytes));
}

const tooLarge = (size: string, maxBytes: number) =>
  `it is ${size}; files over ${formatBytes(maxBytes)} are refused`;

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

/** 1048576 → "1 MiB", 52428800 → "50 MiB", 1536 → "1.5 KiB". */
function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
