import { type FSWatcher, statSync, watch } from 'node:fs';

export interface ChangeWaiterOptions {
  /**
   * How often to look while fs.watch cannot watch the folder: it does not exist yet, the
   * platform has no fs.watch, the system is out of watches, or `watch` is false.
   */
  readonly pollMs: number;
  /** Use fs.watch at all; polling alone when false (file systems where it misses changes: NFS). */
  readonly watch: boolean;
  readonly signal?: AbortSignal;
  /** Which names in the folder matter; every change counts when left out. */
  readonly accept?: (name: string) => boolean;
}

/**
 * Waits for something to change in a folder (make it before looking at the folder a first time):
 * fs.watch reports a change at once, a poll every `pollMs`
 * stands in while the folder cannot be watched (not created yet, no fs.watch), and an abort ends
 * every wait. While fs.watch watches, nothing else runs: a process following a thousand runs
 * costs nothing until one changes. A change seen while nobody waits is kept, so that a reader
 * who looks at the folder and then waits never misses what happened in between.
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
    // The caller looks at the folder after this, so what changed before the watch is seen.
    this.ensureWatcher(false);
  }

  /** Resolves at the next change, poll or abort (at once if a change came since the last wait). */
  async wait(): Promise<void> {
    this.ensureWatcher();
    if (this.changed || this.options.signal?.aborted) {
      this.changed = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = this.watcher === undefined ? setTimeout(done, this.options.pollMs) : undefined;
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

  /** Stops watching (the folder went away or broke the watch): poll, and watch again at the next wait. */
  private unwatch(watcher: FSWatcher): void {
    watcher.close();
    if (this.watcher === watcher) this.watcher = undefined;
    this.onChange();
  }

  private readonly onChange = () => {
    this.changed = true;
    this.wake?.();
  };

  /** Watches the folder once it exists; until then (or if fs.watch fails) polling does the work. */
  private ensureWatcher(late = true): void {
    if (this.watcher !== undefined || !this.options.watch || this.options.signal?.aborted) return;
    try {
      const { ino } = statSync(this.dir);
      const watcher = watch(this.dir, { persistent: true }, (type, name) => {
        // A folder removed reports a rename and nothing after, even once it is made again.
        if (type === 'rename' && !this.stillWatched(ino)) this.unwatch(watcher);
        else if (name === null || this.options.accept?.(String(name)) !== false) this.onChange();
      });
      watcher.on('error', () => this.unwatch(watcher));
      this.watcher = watcher;
      // Watching began after the caller last looked: the folder may have changed in between.
      if (late) this.changed = true;
    } catch {
      // ENOENT (not created yet), ENOSPC (out of inotify watches)…: polling covers it.
    }
  }

  /** The folder is still the one watched (`ino`): not removed, nor removed and made again. */
  private stillWatched(ino: number): boolean {
    try {
      return statSync(this.dir).ino === ino;
    } catch {
      return false;
    }
  }
}
