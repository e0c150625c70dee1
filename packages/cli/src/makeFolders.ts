import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Makes the folder `path` and the parents it lacks, one at a time, and rejects with the error of
 * the first that cannot be made. Unlike `mkdir(path, { recursive: true })`, which on Node 20
 * loops forever where the system says ENOENT under a folder that exists (`/proc/nope`), and
 * says ENOTDIR for a file in the way only once it reaches it.
 */
export async function makeFolders(path: string): Promise<void> {
  const missing: string[] = [];
  for (let at = path; ; at = dirname(at)) {
    const found = await stat(at).catch((error: NodeJS.ErrnoException) => {
      if ((error.code === 'ENOENT' || error.code === 'ENOTDIR') && dirname(at) !== at)
        return undefined;
      throw error;
    });
    if (found === undefined) {
      missing.unshift(at);
      continue;
    }
    if (!found.isDirectory())
      throw Object.assign(
        new Error(`ENOTDIR: not a directory, mkdir '${path}' (${at} is a file)`),
        {
          code: 'ENOTDIR',
          path: at,
        },
      );
    break;
  }
  for (const folder of missing)
    await mkdir(folder).catch(async (error: NodeJS.ErrnoException) => {
      // Made meanwhile by another process: fine if it is a folder.
      if (error.code !== 'EEXIST' || !(await stat(folder)).isDirectory()) throw error;
    });
}
