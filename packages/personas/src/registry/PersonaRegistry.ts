import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parsedBuiltinPersonas } from '../builtins/parsedBuiltins.js';
import type { PersonaFileError } from '../schema/PersonaFileError.js';
import type { Persona } from '../schema/PersonaSchema.js';
import { ttaHome } from '../store/ttaHome.js';
import { watchPersonaFolders } from './watchPersonaFolders.js';

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

/** A folder the registry reads persona files from. */
export interface PersonaFolder {
  readonly kind: 'user' | 'project';
  readonly path: string;
}

export const PERSONA_FILE_EXTENSIONS = ['.json', '.yaml', '.yml'] as const;

/**
 * Every persona the user can switch to: the built-ins, then the user's
 * (`~/.hypertool/personas/`), then the project's (`.hypertool/personas/` found upward from the
 * working folder); a later definition replaces an earlier one of the same name. Files that do not
 * parse are kept in `errors` rather than hiding every other persona.
 */
export class PersonaRegistry {
  private byName: ReadonlyMap<string, LoadedPersona> = new Map();
  /** Names whose winning definition is a file that does not parse, with its error. */
  private broken: ReadonlyMap<string, PersonaFileError> = new Map();
  private _errors: readonly PersonaFileError[] = [];
  private _folders: readonly PersonaFolder[] = [];

  private constructor(private readonly options: PersonaRegistryOptions) {}

  static async load(options: PersonaRegistryOptions = {}): Promise<PersonaRegistry> {
    const registry = new PersonaRegistry(options);
    await registry.reload();
    return registry;
  }

  /** Persona files that could not be used. */
  get errors(): readonly PersonaFileError[] {
    return this._errors;
  }

  /** The folders that were read, in order. */
  get folders(): readonly PersonaFolder[] {
    return this._folders;
  }

  /**
   * Reads the persona folders again, in place: whoever holds this registry sees the new
   * definitions. Resolves to true when anything (a definition or an error) changed.
   */
  async reload(): Promise<boolean> {
    const byName = new Map<string, LoadedPersona>();
    const broken = new Map<string, PersonaFileError>();
    const add = (persona: Persona, source: PersonaSource) => {
      const previous = byName.get(persona.name);
      broken.delete(persona.name);
      byName.set(persona.name, {
        persona,
        source,
        overrides: previous === undefined ? [] : [...previous.overrides, previous.source],
      });
    };
    // Built-ins come validated from the build; zod and YAML load only when there are files.
    for (const persona of await parsedBuiltinPersonas()) add(persona, { kind: 'builtin' });

    const folders: PersonaFolder[] = [];
    const userFolder = join(this.options.home ?? ttaHome(), 'personas');
    folders.push({ kind: 'user', path: userFolder });
    const projectFolder = findProjectFolder(this.options.cwd ?? process.cwd());
    if (projectFolder !== undefined && resolve(projectFolder) !== resolve(userFolder)) {
      folders.push({ kind: 'project', path: projectFolder });
    }
    const errors: PersonaFileError[] = [];
    for (const folder of folders) {
      for (const file of await personaFiles(folder.path)) {
        // Loaded with the first file: listing the built-ins alone needs none of these.
        const [{ readBoundedFile }, { parsePersona }, { PersonaFileError }] = await Promise.all([
          import('../files/readBoundedFile.js'),
          import('../schema/parsePersona.js'),
          import('../schema/PersonaFileError.js'),
        ]);
        let text = '';
        try {
          text = await readBoundedFile(file);
          add(parsePersona(file, text), { kind: folder.kind, file });
        } catch (error) {
          const fileError =
            error instanceof PersonaFileError
              ? error
              : new PersonaFileError(file, [{ path: '', message: (error as Error).message }]);
          errors.push(fileError);
          // What the broken file meant to define is not used, not even the definition it was
          // meant to replace: a persona never gets wider because its file broke.
          for (const name of await this.claimedNames(file, text)) {
            byName.delete(name);
            broken.set(name, fileError);
          }
        }
      }
    }
    const changed =
      fingerprint(byName, errors) !== fingerprint(this.byName, this._errors) ||
      folders.map((f) => f.path).join('\n') !== this._folders.map((f) => f.path).join('\n');
    this.byName = byName;
    this.broken = broken;
    this._errors = errors;
    this._folders = folders;
    return changed;
  }

  /**
   * Reloads whenever a file in the user's or the project's persona folder changes (also once a
   * folder that did not exist is created), then calls `onChange` if anything changed. Returns a
   * function that stops watching.
   */
  watch(
    onChange: (registry: PersonaRegistry) => void,
    onError: (error: unknown) => void = () => undefined,
  ): () => void {
    let reloading = Promise.resolve();
    return watchPersonaFolders(
      () => [
        join(this.options.home ?? ttaHome(), 'personas'),
        findProjectFolder(this.options.cwd ?? process.cwd()) ??
          join(resolve(this.options.cwd ?? process.cwd()), '.hypertool', 'personas'),
      ],
      () => {
        // One reload at a time, in order, so the last one read the files last.
        reloading = reloading
          .then(() => this.reload())
          .then(
            (changed) => {
              if (changed) onChange(this);
            },
            (error: unknown) => onError(error),
          );
      },
      onError,
    );
  }

  /** The error of the file that defines `name` when that file does not parse. */
  brokenFile(name: string): PersonaFileError | undefined {
    return this.broken.get(name);
  }

  /** Names a broken file was meant to define: its `name`, its file name, what it defined before. */
  private async claimedNames(file: string, text: string): Promise<string[]> {
    const names = new Set<string>([basename(file, extname(file)).toLowerCase()]);
    const { parseDocument } = await import('yaml');
    try {
      const data: unknown = parseDocument(text).toJS();
      const name = (data as { name?: unknown } | null)?.name;
      if (typeof name === 'string') names.add(name);
    } catch {
      // Unreadable: the file name and the previous definitions stand for it.
    }
    for (const loaded of this.byName.values())
      if (loaded.source.file === file) names.add(loaded.persona.name);
    for (const [name, error] of this.broken) if (error.file === file) names.add(name);
    return [...names];
  }

  /** Every persona, sorted by name. */
  list(): LoadedPersona[] {
    // Code-unit order, which is localeCompare's for names of [a-z0-9-], without loading ICU's
    // collator at start-up.
    return [...this.byName.values()].sort((a, b) => compareNames(a.persona.name, b.persona.name));
  }

  /** The persona named `name`, or undefined (also when its file does not parse: see `brokenFile`). */
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
      .map((c) => ({ c, d: c.includes(q) || q.includes(c) ? 0 : editDistance().distance(q, c) }))
      .filter(({ c, d }) => d <= Math.max(2, Math.floor(c.length / 3)))
      .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c));
    const names = [...new Set(scored.map((s) => s.c))].slice(0, limit);
    return names.length > 0 ? names : [editDistance().closest(q, candidates)];
  }
}

const compareNames = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type Levenshtein = typeof import('fastest-levenshtein');
let levenshtein: Levenshtein | undefined;

/** Loaded at the first suggestion (a CommonJS module: parsing it at start-up costs). */
function editDistance(): Levenshtein {
  levenshtein ??= createRequire(import.meta.url)('fastest-levenshtein') as Levenshtein;
  return levenshtein;
}

/** `.hypertool/personas/` in `cwd` or the nearest folder above it that has one. */
export function findProjectFolder(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, '.hypertool', 'personas');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function fingerprint(
  byName: ReadonlyMap<string, LoadedPersona>,
  errors: readonly PersonaFileError[],
): string {
  return JSON.stringify([[...byName.values()], errors.map((e) => e.message)]);
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
