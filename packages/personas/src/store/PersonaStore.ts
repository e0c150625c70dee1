import { mkdirSync, watch as watchFs } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readBoundedFileSync } from '../files/readBoundedFile.js';
import type { ActivePersona, PersonaConfig, PersonaSwitch } from './PersonaConfig.js';
import { parseConfig, readConfig } from './readConfig.js';

type WriteFileAtomic = typeof import('write-file-atomic');

import { ttaHome } from './ttaHome.js';

export interface PersonaStoreOptions {
  /** Folder of `config.json`. Default: `ttaHome()` (`$TTA_HOME` or `~/.hypertool`). */
  home?: string;
  /**
   * The file itself, for a scope other than the user's (a project's `.tta/persona.json`, a
   * run's); `home` is then its folder. Default: `<home>/config.json`.
   */
  file?: string;
  /** Switches kept in the history. Default: `DEFAULT_HISTORY_LIMIT`. */
  historyLimit?: number;
  /** Clock. Default: `Date.now`. */
  now?: () => number;
}

export const DEFAULT_HISTORY_LIMIT = 50;
export const CONFIG_FILE = 'config.json';

/** What `activate` records about the persona it switches to (and the run that switched, if any). */
export type PersonaIdentity = Pick<
  ActivePersona,
  'name' | 'displayName' | 'icon' | 'source' | 'run'
>;

/**
 * The active persona, kept in `config.json` where the gateway, the workflow engine and other
 * processes read it. Writes take a lock (so concurrent switches serialise) and replace the file
 * atomically (so readers never see half a file); keys of other tools are preserved.
 */
export class PersonaStore {
  readonly home: string;
  readonly file: string;
  private readonly historyLimit: number;
  private readonly now: () => number;

  constructor(options: PersonaStoreOptions = {}) {
    this.home = options.file === undefined ? (options.home ?? ttaHome()) : dirname(options.file);
    this.file = options.file ?? join(this.home, CONFIG_FILE);
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.now = options.now ?? Date.now;
  }

  /** The whole config; `undefined` when the file does not exist; throws `ConfigCorruptError`. */
  read(): Promise<PersonaConfig | undefined> {
    return readConfig(this.file);
  }

  async active(): Promise<ActivePersona | undefined> {
    return (await this.read())?.activePersona ?? undefined;
  }

  async history(): Promise<readonly PersonaSwitch[]> {
    return (await this.read())?.personaHistory ?? [];
  }

  /**
   * Makes `persona` the active one (or clears it, with `null`) and records the switch. A corrupt
   * config is left untouched and raises `ConfigCorruptError`.
   */
  async activate(persona: PersonaIdentity | null): Promise<PersonaSwitch> {
    return this.update((config) => {
      const at = this.now();
      const previous = config?.activePersona ?? undefined;
      const change: PersonaSwitch = {
        from: previous?.name ?? null,
        to: persona?.name ?? null,
        at: new Date(at).toISOString(),
        ...(previous === undefined
          ? {}
          : { previousDurationMs: Math.max(0, at - Date.parse(previous.since)) }),
      };
      const history =
        this.historyLimit > 0
          ? [...(config?.personaHistory ?? []), change].slice(-this.historyLimit)
          : [];
      const { activePersona: _, ...others } = config ?? {};
      const next: PersonaConfig =
        persona === null
          ? { ...others, personaHistory: history }
          : {
              ...others,
              activePersona: { ...persona, since: change.at },
              personaHistory: history,
            };
      return { next, result: change };
    }).then(async (change) => {
      const { recordSwitch } = await import('./switchMetrics.js');
      recordSwitch(change);
      return change;
    });
  }

  /**
   * Starts afresh: a corrupt (or any) config.json is moved to `config.json.bak-<time>` and a new,
   * empty one written. Returns the backup's path, if there was a file.
   */
  async reset(): Promise<{ backup?: string }> {
    return this.withLock(async () => {
      const backup = `${this.file}.bak-${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}`;
      let moved = false;
      try {
        await rename(this.file, backup);
        moved = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      await this.write({ personaHistory: [] });
      return moved ? { backup } : {};
    });
  }

  /**
   * Calls `listener` with the active persona whenever another process (or this one) switches.
   * Returns a function that stops watching.
   */
  watch(
    listener: (active: ActivePersona | undefined) => void,
    onError?: (error: unknown) => void,
  ): () => void {
    let closed = false;
    // Set up synchronously, so that a switch made once `watch` has returned is reported: the
    // folder must exist to be watched, and the baseline is what the file holds now.
    try {
      mkdirSync(this.home, { recursive: true });
    } catch {
      // watchFsSafe reports nothing then, as before.
    }
    let last = activeKey(this.activeNow());
    const check = async () => {
      try {
        const active = await this.active();
        const key = activeKey(active);
        if (key !== last && !closed) {
          last = key;
          listener(active);
        }
      } catch (error) {
        onError?.(error);
      }
    };
    // Read at the first event, and once more after a read if events came meanwhile: the file
    // is replaced whole by rename, so there is nothing half-written to wait for, and a switch
    // reaches the gateway in the time of one read (a debounce cost every switch 15 ms).
    let reading: Promise<void> | undefined;
    let again = false;
    const changed = () => {
      if (reading !== undefined) {
        again = true;
        return;
      }
      reading = check().finally(() => {
        reading = undefined;
        if (again && !closed) {
          again = false;
          changed();
        }
      });
    };
    // config.json is replaced by rename, so watch the folder, not the file.
    const name = basename(this.file);
    const watcher = watchFsSafe(this.home, (file) => {
      if (file === name) changed();
    });
    return () => {
      closed = true;
      watcher?.close();
    };
  }

  /** The active persona as the file holds it now; undefined when unreadable. */
  private activeNow(): ActivePersona | undefined {
    try {
      const text = readBoundedFileSync(this.file);
      return parseConfig(this.file, text).activePersona ?? undefined;
    } catch {
      return undefined;
    }
  }

  private async update<T>(
    change: (config: PersonaConfig | undefined) => { next: PersonaConfig; result: T },
  ): Promise<T> {
    return this.withLock(async () => {
      const { next, result } = change(await this.read());
      await this.write(next);
      return result;
    });
  }

  private async write(config: PersonaConfig): Promise<void> {
    // write-file-atomic is CommonJS: its function is the module's default export.
    const writeFileAtomic = (
      (await import('write-file-atomic')) as unknown as { default: WriteFileAtomic }
    ).default;
    await writeFileAtomic(this.file, `${JSON.stringify(config, null, 2)}\n`, { fsync: true });
  }

  private async withLock<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(this.home, { recursive: true });
    const { lock } = await import('proper-lockfile');
    const release = await lock(this.file, {
      realpath: false,
      lockfilePath: `${this.file}.lock`,
      stale: 10_000,
      retries: { retries: 200, factor: 1.3, minTimeout: 5, maxTimeout: 100, randomize: true },
    });
    try {
      return await fn();
    } finally {
      await release();
    }
  }
}

function activeKey(active: ActivePersona | undefined): string {
  return active === undefined ? '' : `${active.name}@${active.since}`;
}

function watchFsSafe(
  dir: string,
  onChange: (file: string | null) => void,
): { close(): void } | undefined {
  try {
    return watchFs(dir, { persistent: false }, (_event, file) => onChange(file));
  } catch {
    return undefined;
  }
}
