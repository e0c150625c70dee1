import { existsSync, type FSWatcher, watch as watchFs } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/** Quiet time after the last change before `onChange` runs, in ms: an editor's save is several events. */
const DEBOUNCE_MS = 50;

/**
 * Calls `onChange` (debounced) whenever a file in one of `folders` may have changed: created,
 * edited, renamed or removed. A folder that does not exist yet is watched through its nearest
 * existing ancestor, for the one entry on the way to it, so a `.hypertool/personas/` created
 * after the start is seen and then watched itself. `folders` is asked again after each change (a
 * project folder may appear). Returns a function that stops watching.
 */
export function watchPersonaFolders(
  folders: () => readonly string[],
  onChange: () => void,
  onError: (error: unknown) => void = () => undefined,
): () => void {
  /** Watched folder → its watcher; a folder's entry filter is in `only`. */
  const watchers = new Map<string, FSWatcher>();
  const only = new Map<string, Set<string>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const arm = () => {
    const wanted = new Map<string, Set<string> | undefined>();
    for (const folder of folders()) {
      const { watched, entry } = nearestExisting(resolve(folder));
      const previous = wanted.get(watched);
      // undefined: every entry of the folder matters.
      if (entry === undefined || (wanted.has(watched) && previous === undefined))
        wanted.set(watched, undefined);
      else wanted.set(watched, new Set([...(previous ?? []), entry]));
    }
    for (const [dir, watcher] of watchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        watchers.delete(dir);
      }
    }
    only.clear();
    for (const [dir, entries] of wanted) {
      if (entries !== undefined) only.set(dir, entries);
      if (watchers.has(dir)) continue;
      try {
        const watcher = watchFs(dir, { persistent: false }, (_event, file) => changed(dir, file));
        watcher.on('error', (error) => {
          // The folder went away (or cannot be read): watch what is there now.
          watcher.close();
          watchers.delete(dir);
          if (!closed) changed(dir, null, error);
        });
        watchers.set(dir, watcher);
      } catch (error) {
        onError(error);
      }
    }
  };

  const changed = (dir: string, file: string | Buffer | null, error?: unknown) => {
    if (closed) return;
    const entries = only.get(dir);
    if (entries !== undefined && file !== null && !entries.has(String(file))) return;
    if (error !== undefined) onError(error);
    // Re-armed at once, so that files written into a folder just created are not missed.
    arm();
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!closed) onChange();
    }, DEBOUNCE_MS);
  };

  arm();
  return () => {
    closed = true;
    clearTimeout(timer);
    for (const watcher of watchers.values()) watcher.close();
    watchers.clear();
  };
}

/** `folder` itself when it exists, else its nearest existing ancestor and the entry toward it. */
function nearestExisting(folder: string): { watched: string; entry?: string } {
  let child = folder;
  for (let dir = folder; ; child = dir, dir = dirname(dir)) {
    if (existsSync(dir))
      return dir === folder ? { watched: dir } : { watched: dir, entry: basename(child) };
    if (dirname(dir) === dir) return { watched: dir };
  }
}
