import { randomUUID } from 'node:crypto';
import { closeSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

// Small file operations that never leave a half-written file where a reader could see it.
// Their calls are synchronous: each takes microseconds, a round trip through libuv's thread pool
// far more (and much more on a busy machine), and a lease takes a handful.

/**
 * Creates `dir/name` holding `content`, whole, unless it exists; false when it does. Not
 * durable: it is for files that matter only while their writer lives (leases, claims).
 */
export async function linkExclusive(dir: string, name: string, content: string): Promise<boolean> {
  const temp = await writeTemp(dir, name, content);
  try {
    linkSync(temp, join(dir, name));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlinkIfPresent(temp);
  }
}

/** Writes `content` to a new temporary file beside `dir/name` (not fsynced); returns its path. */
export async function writeTemp(dir: string, name: string, content: string): Promise<string> {
  const temp = join(dir, `${name}.${randomUUID()}.tmp`);
  const fd = openSync(temp, 'wx');
  try {
    const data = Buffer.from(`${content}\n`);
    let offset = 0;
    while (offset < data.length) offset += writeSync(fd, data, offset);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/** Removes a file; one already gone is fine. */
export async function unlinkIfPresent(path: string): Promise<void> {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
