import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The ignore file a run store keeps in its root: git leaves the whole folder out. */
export const RUNS_GITIGNORE = '# tta run logs and leases: never part of a commit\n*\n';

/**
 * Makes git ignore the runs folder `root` (which exists), by a `.gitignore` of its own holding
 * `*`; the project's own `.gitignore` is left as it is. Kept when there is one already.
 */
export async function ignoreRuns(root: string): Promise<void> {
  try {
    writeFileSync(join(root, '.gitignore'), RUNS_GITIGNORE, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
