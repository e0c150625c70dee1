import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { clearStaleClaim } from './_fileLease.js';
import { RunLogLockedError } from './errors/RunLogLockedError.js';

/** The lock file of a run's log, held for the length of one append. */
export const APPEND_LOCK = 'append.lock';

/** How long an append waits for another process's append before giving up. */
const WAIT_MS = 30_000;

/**
 * Runs `work` holding `<dir>/append.lock`, so that appends from several processes (the engine
 * driving a run, `tta workflow note` beside it) each read the log's end and write after it in
 * turn. The lock is created with O_EXCL and held for one write; one left by a process that
 * died is cleared once its process is gone or it is 10 s old (see `clearStaleClaim`).
 */
export async function withAppendLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const path = join(dir, APPEND_LOCK);
  const since = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      // Synchronous: each call takes microseconds, a round trip through the thread pool far more,
      // and the lock is taken and dropped around every append.
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), at: since }));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        await mkdir(dir, { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw error;
    }
    if (await clearStaleClaim(path)) continue;
    if (Date.now() - since > WAIT_MS) throw new RunLogLockedError(path, WAIT_MS);
    await new Promise((resolve) => setTimeout(resolve, Math.min(1 + attempt, 20)));
  }
  try {
    return await work();
  } finally {
    dropLock(path);
  }
}

/** Removes the lock; one that cannot be removed is cleared as stale after 10 s by the next writer. */
function dropLock(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // gone already, or left to go stale
  }
}
