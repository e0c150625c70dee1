import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Makes `dir` (and its parents) and has git ignore it by a `.gitignore` of its own holding `*`,
 * headed by `# tta <what>: never part of a commit`; the project's own `.gitignore` is left as it
 * is, and one already in `dir` is kept. For machine state: run logs, run personas.
 */
export function ignoredFolder(dir: string, what: string): void {
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, '.gitignore'), `# tta ${what}: never part of a commit\n*\n`, {
      flag: 'wx',
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
