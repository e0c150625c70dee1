import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import { BUILTIN_PERSONAS } from '../builtins/index.js';
import { PersonaFileError } from '../schema/PersonaFileError.js';
import { type Persona, PersonaSchema } from '../schema/PersonaSchema.js';
import { parsePersona } from '../schema/parsePersona.js';
import { ttaHome } from '../store/ttaHome.js';

/** Where a persona was defined. */
export interface PersonaSource {
  readonly kind: 'builtin' | 'user' | 'project';
  /** The file, except for built-ins. */
  readonly file?: string;
}

export interface LoadedPersona {
  readonly persona: Persona;
  readonly source: PersonaSource;
  /** Definitions of the same name that this one replaced, earliest first. */
  readonly overrides: readonly PersonaSource[];
}

export interface PersonaRegistryOptions {
  /** Folder the project's `.hypertool/personas/` is searched upward from. Default: `process.cwd()`. */
  cwd?: string;
  /** The user's folder, holding `personas/`. Default: `ttaHome()`. */
  home?: string;
}

export const PERSONA_FILE_EXTENSIONS = ['.json', '.yaml', '.yml'] as const;

/**
 * Every persona the user can switch to: the built-ins, then the user's
 * (`~/.hypertool/personas/`), then the project's (`.hypertool/personas/` found upward from the
 * working folder); a later definition replaces an earlier one of the same name. Files that do not
 * parse are kept in `errors` rather than hiding every other persona.
 */
export class PersonaRegistry {
  private constructor(
    private readonly byName: ReadonlyMap<string, LoadedPersona>,
    /** Persona files that could not be used. */
    readonly errors: readonly PersonaFileError[],
    /** The folders that were read, in order. */
    readonly folders: readonly { readonly kind: 'user' | 'project'; readonly path: string }[],
  ) {}

  static async load(options: PersonaRegistryOptions = {}): Promise<PersonaRegistry> {
    const byName = new Map<string, LoadedPersona>();
    const add = (persona: Persona, source: PersonaSource) => {
      const previous = byName.get(persona.name);
      byName.set(persona.name, {
        persona,
        source,
        overrides: previous === undefined ? [] : [...previous.overrides, previous.source],
      });
    };
    for (const input of BUILTIN_PERSONAS) add(PersonaSchema.parse(input), { kind: 'builtin' });

    const folders: { kind: 'user' | 'project'; path: string }[] = [];
    const userFolder = join(options.home ?? ttaHome(), 'personas');
    folders.push({ kind: 'user', path: userFolder });
    const projectFolder = findProjectFolder(options.cwd ?? process.cwd());
    if (projectFolder !== undefined && resolve(projectFolder) !== resolve(userFolder)) {
      folders.push({ kind: 'project', path: projectFolder });
    }
    const errors: PersonaFileError[] = [];
    for (const folder of folders) {
      for (const file of await personaFiles(folder.path)) {
        try {
          add(parsePersona(file, await readFile(file, 'utf8')), { kind: folder.kind, file });
        } catch (error) {
          if (error instanceof PersonaFileError) errors.push(error);
          else
            errors.push(
              new PersonaFileError(file, [{ path: '', message: (error as Error).message }]),
            );
        }
      }
    }
    return new PersonaRegistry(byName, errors, folders);
  }

  /** Every persona, sorted by name. */
  list(): LoadedPersona[] {
    return [...this.byName.values()].sort((a, b) => a.persona.name.localeCompare(b.persona.name));
  }

  get(name: string): LoadedPersona | undefined {
    return this.byName.get(name);
  }

  /** Finds a persona by name, then alias, then chat mode name (case-insensitive). */
  resolve(query: string): LoadedPersona | undefined {
    const q = query.trim().toLowerCase();
    const all = [...this.byName.values()].reverse(); // later sources first
    return (
      this.byName.get(q) ??
      all.find((p) => p.persona.aliases.includes(q)) ??
      all.find((p) => p.persona.chatmodes.includes(q))
    );
  }

  /** Names and aliases close to `query`, best first, for "did you mean" messages. */
  suggest(query: string, limit = 3): string[] {
    const q = query.trim().toLowerCase();
    const candidates = [...this.byName.values()].flatMap((p) => [
      p.persona.name,
      ...p.persona.aliases,
    ]);
    const scored = candidates
      .map((c) => ({ c, d: c.includes(q) || q.includes(c) ? 0 : distance(q, c) }))
      .filter(({ c, d }) => d <= Math.max(2, Math.floor(c.length / 3)))
      .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c));
    const names = [...new Set(scored.map((s) => s.c))].slice(0, limit);
    return names.length > 0 ? names : [closest(q, candidates)];
  }
}

/** `.hypertool/personas/` in `cwd` or the nearest folder above it that has one. */
export function findProjectFolder(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, '.hypertool', 'personas');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

async function personaFiles(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((n) =>
      (PERSONA_FILE_EXTENSIONS as readonly string[]).includes(extname(n).toLowerCase()),
    )
    .sort()
    .map((n) => join(folder, n));
}
