import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidProjectFileError } from './InvalidProjectFileError.js';

/** The project's own settings: `{ "commands": {…}, "runStore": "…", "memory": "…" }`. */
export const PROJECT_FILE = join('.tta', 'project.json');

/**
 * One field of `<cwd>/.tta/project.json` as written (each reader checks its own type), with the
 * file's path for error messages; `undefined` when the file or the field is absent. A file that
 * is not JSON is an `InvalidProjectFileError` naming it.
 */
export function projectFileField(
  cwd: string,
  field: string,
): { readonly value: unknown; readonly file: string } | undefined {
  const file = join(cwd, PROJECT_FILE);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidProjectFileError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const value =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)[field]
      : undefined;
  return value === undefined ? undefined : { value, file };
}
