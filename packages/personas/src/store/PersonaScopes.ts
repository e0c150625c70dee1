import { mkdirSync, readdirSync, watch as watchFs } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ignoredFolder } from '../files/ignoredFolder.js';
import { readBoundedFileSync } from '../files/readBoundedFile.js';
import { ConfigCorruptError } from './ConfigError.js';
import type { ActivePersona, PersonaSwitch } from './PersonaConfig.js';
import { type PersonaIdentity, PersonaStore } from './PersonaStore.js';
import { parseConfig } from './readConfig.js';
import { ttaHome } from './ttaHome.js';

/** Where an effective persona comes from, most specific first. */
export type PersonaScope = 'run' | 'project' | 'user';

/** The persona in force for a reader, and the scope and file it comes from. */
export interface EffectivePersona {
  readonly persona: ActivePersona | undefined;
  readonly scope: PersonaScope | undefined;
  /** The file that holds it (the user's config.json when none is active). */
  readonly file: string;
}

/** The persona a live run of the project holds in its scope. */
export interface RunPersona {
  readonly runId: string;
  readonly persona: ActivePersona;
  readonly file: string;
}

export interface PersonaScopesOptions {
  /** Folder of the user's `config.json`. Default: `ttaHome()`. */
  home?: string;
  /** The project folder: its `.tta/persona.json` and the scopes of its runs. */
  project?: string;
  /** The run served, whose scope comes first. Needs `project`. */
  run?: string;
}

/** The project's own scope, switched by `tta-persona <name> --project`. */
export const PROJECT_PERSONA_FILE = join('.tta', 'persona.json');
/** The folder of the scopes of a project's runs: `<run id>.json` each. */
export const RUN_PERSONAS_FOLDER = join('.tta', 'persona-runs');

/**
 * The scopes of the active persona, resolved as run (of the run served) > project > user. A run
 * switches its own scope only (`runScope`), so that two runs, in one project or two, never switch
 * each other's persona. The project's persona is the latest switch made in the project: the
 * project file's or that of a stage started by one of its live runs (the scope of a run whose
 * process is gone does not count). With no project it is the user's `config.json`, as before.
 */
export class PersonaScopes {
  readonly user: PersonaStore;
  readonly project: PersonaStore | undefined;
  /** The user's folder, where a gateway protects the configuration. */
  readonly home: string;
  private readonly projectDir: string | undefined;
  private readonly run: string | undefined;

  constructor(options: PersonaScopesOptions = {}) {
    this.home = options.home ?? ttaHome();
    this.user = new PersonaStore({ home: this.home });
    this.projectDir = options.project === undefined ? undefined : resolve(options.project);
    this.project =
      this.projectDir === undefined
        ? undefined
        : new PersonaStore({ file: join(this.projectDir, PROJECT_PERSONA_FILE) });
    this.run = options.run;
  }

  /**
   * The scope of one run of the project: what the workflow engine switches. Its folder is made
   * ignored by git, as the runs folder is: machine state, never part of a commit.
   */
  runScope(runId: string): PersonaStore {
    if (this.projectDir === undefined) throw new Error('a run scope needs the project folder');
    ignoredFolder(join(this.projectDir, RUN_PERSONAS_FOLDER), 'run personas');
    return new PersonaStore({ file: this.runFile(runId) });
  }

  /** The runs of the project whose live process holds a persona, latest switch first. */
  liveRuns(): readonly RunPersona[] {
    if (this.projectDir === undefined) return [];
    let names: string[];
    try {
      names = readdirSync(join(this.projectDir, RUN_PERSONAS_FOLDER));
    } catch {
      return [];
    }
    return names
      .filter((name) => name.endsWith('.json'))
      .flatMap((name) => {
        const file = join(this.projectDir!, RUN_PERSONAS_FOLDER, name);
        const persona = activeIn(file, true);
        return persona !== undefined && isLive(persona)
          ? [{ runId: name.slice(0, -'.json'.length), persona, file }]
          : [];
      })
      .sort((a, b) => b.persona.since.localeCompare(a.persona.since));
  }

  /** The persona in force: run scope > project > user. Throws `ConfigCorruptError`. */
  effectiveNow(): EffectivePersona {
    if (this.run !== undefined) {
      const file = this.runFile(this.run);
      const persona = activeIn(file, true);
      if (persona !== undefined && isLive(persona)) return { persona, scope: 'run', file };
    }
    if (this.project !== undefined) {
      const own = activeIn(this.project.file);
      const [run] = this.liveRuns();
      if (run !== undefined && (own === undefined || run.persona.since >= own.since))
        return { persona: run.persona, scope: 'project', file: run.file };
      if (own !== undefined) return { persona: own, scope: 'project', file: this.project.file };
    }
    const persona = activeIn(this.user.file);
    return { persona, scope: persona === undefined ? undefined : 'user', file: this.user.file };
  }

  /** The effective persona (the `PersonaStore` reading, for a gateway). */
  async active(): Promise<ActivePersona | undefined> {
    return this.effectiveNow().persona;
  }

  /**
   * A switch made through a gateway: in the project's scope when the persona in force comes from
   * the project or a run (a run's scope is its own), else in the user's.
   */
  activate(persona: PersonaIdentity | null): Promise<PersonaSwitch> {
    const scope = this.effectiveNow().scope;
    const store = scope === 'user' || scope === undefined ? this.user : this.project!;
    return store.activate(persona);
  }

  /**
   * Calls `listener` with the effective persona whenever it changes: a switch in the user's,
   * the project's or the run's scope, a run's scope appearing or given back. Returns a function
   * that stops watching.
   */
  watch(
    listener: (active: ActivePersona | undefined) => void,
    onError?: (error: unknown) => void,
  ): () => void {
    const folders = [this.home];
    if (this.projectDir !== undefined)
      folders.push(join(this.projectDir, '.tta'), join(this.projectDir, RUN_PERSONAS_FOLDER));
    for (const folder of folders) {
      try {
        mkdirSync(folder, { recursive: true });
      } catch {
        // Not watched then.
      }
    }
    let closed = false;
    const keyNow = () => {
      try {
        return keyOf(this.effectiveNow());
      } catch {
        return '!';
      }
    };
    let last = keyNow();
    // Every file is replaced whole by rename, so a read sees a whole file; reads are synchronous
    // and small, so each event reads at once.
    const changed = () => {
      if (closed) return;
      try {
        const effective = this.effectiveNow();
        const key = keyOf(effective);
        if (key !== last) {
          last = key;
          listener(effective.persona);
        }
      } catch (error) {
        onError?.(error);
      }
    };
    const watchers = folders.flatMap((folder) => {
      try {
        return [
          watchFs(folder, { persistent: false }, (_event, file) => {
            if (file === null || file.endsWith('.json')) changed();
          }),
        ];
      } catch {
        return [];
      }
    });
    return () => {
      closed = true;
      for (const watcher of watchers) watcher.close();
    };
  }

  private runFile(runId: string): string {
    return join(this.projectDir ?? '.', RUN_PERSONAS_FOLDER, `${runId}.json`);
  }
}

/** The active persona a scope file holds; undefined when there is none (or, `lenient`, unreadable). */
function activeIn(file: string, lenient = false): ActivePersona | undefined {
  let text: string;
  try {
    text = readBoundedFileSync(file, { refuse: (reason) => new ConfigCorruptError(file, reason) });
  } catch (error) {
    if (lenient || (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw Object.assign(error as NodeJS.ErrnoException, { path: file });
  }
  try {
    return parseConfig(file, text).activePersona ?? undefined;
  } catch (error) {
    if (lenient) return undefined;
    throw error;
  }
}

/** Whether the run that holds a run scope still runs (on another host it is taken as running). */
function isLive(active: ActivePersona): boolean {
  const run = active.run;
  if (run === undefined) return false; // not written by a run: nothing holds it
  if (run.host !== hostname()) return true;
  try {
    process.kill(run.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function keyOf({ persona, scope }: EffectivePersona): string {
  return persona === undefined ? '' : `${scope}:${persona.name}@${persona.since}`;
}
