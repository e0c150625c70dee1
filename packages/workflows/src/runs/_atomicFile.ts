import { randomUUID } from 'node:crypto';
import { link, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';

// Small file operations that never leave a half-written file where a reader could see it.

/** Creates `dir/name` holding `content`, whole, unless it exists; false when it does. */
export async function linkExclusive(
  dir: string,
  name: string,
  content: string,
  durable: boolean,
): Promise<boolean> {
  const temp = await writeTemp(dir, name, content, durable);
  try {
    await link(temp, join(dir, name));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlinkIfPresent(temp);
  }
}

/** Writes `content` to a new temporary file beside `dir/name` and returns its path. */
export async function writeTemp(
  dir: string,
  name: string,
  content: string,
  durable: boolean,
): Promise<string> {
  const temp = join(dir, `${name}.${randomUUID()}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(`${content}\n`);
    if (durable) await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/** fsyncs a folder, so that names created or renamed in it survive a crash. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes a file; one already gone is fine. */
export async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
