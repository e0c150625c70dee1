import { type FSWatcher, watch } from 'node:fs';

export interface ChangeWaiterOptions {
  /** Wake at least this often, whatever fs.watch says (it can miss changes, e.g. on NFS). */
  readonly pollMs: number;
  /** Use fs.watch at all; polling alone when false. */
  readonly watch: boolean;
  readonly signal?: AbortSignal;
  /** Which names in the folder matter; every change counts when left out. */
  readonly accept?: (name: string) => boolean;
}

/**
 * Waits for something to change in a folder: fs.watch reports it at once, a poll every `pollMs`
 * catches what fs.watch misses (or a folder that does not exist yet, or a platform without it),
 * and an abort ends every wait. A change seen while nobody waits is kept, so that a reader who
 * looks at the folder and then waits never misses what happened in between.
 */
export class ChangeWaiter {
  private watcher: FSWatcher | undefined;
  private changed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly dir: string,
    private readonly options: ChangeWaiterOptions,
  ) {
    options.signal?.addEventListener('abort', this.onChange, { once: true });
    this.ensureWatcher();
  }

  /** Resolves at the next change, poll or abort (at once if a change came since the last wait). */
  async wait(): Promise<void> {
    this.ensureWatcher();
    if (this.changed || this.options.signal?.aborted) {
      this.changed = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.options.pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
    this.wake = undefined;
    this.changed = false;
  }

  close(): void {
    this.options.signal?.removeEventListener('abort', this.onChange);
    this.watcher?.close();
    this.watcher = undefined;
    this.wake?.();
  }

  private readonly onChange = () => {
    this.changed = true;
    this.wake?.();
  };

  /** Watches the folder once it exists; until then (or if fs.watch fails) polling does the work. */
  private ensureWatcher(): void {
    if (this.watcher !== undefined || !this.options.watch || this.options.signal?.aborted) return;
    try {
      const watcher = watch(this.dir, { persistent: true }, (_type, name) => {
        if (name === null || this.options.accept === undefined || this.options.accept(String(name)))
          this.onChange();
      });
      watcher.on('error', () => {
        // The folder went away, or the watch broke: poll, and watch again at the next wait.
        watcher.close();
        if (this.watcher === watcher) this.watcher = undefined;
        this.onChange();
      });
      this.watcher = watcher;
      // The folder may have changed before the watch began.
      this.changed = true;
    } catch {
      // ENOENT (not created yet), ENOSPC (out of inotify watches)…: polling covers it.
    }
  }
}
