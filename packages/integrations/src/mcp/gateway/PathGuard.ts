import { isAbsolute, resolve } from 'node:path';
import { checkPath, expandHome, type Persona } from '@tta-dev/personas';
import type { McpServerConfig } from '../config/McpServersConfig.js';
import { argumentPaths } from './argumentPaths.js';
import { realPathOf } from './realPathOf.js';
import { isFolder, serverBases } from './serverBases.js';

export interface PathGuardOptions {
  /** The project folder: relative restricted patterns are taken from it. */
  readonly project: string;
  /** Expansion of `~`. */
  readonly home: string;
  /** Patterns restricted for every persona (`protectedPaths()`). */
  readonly protectedPaths: readonly string[];
}

/** Where a path was found to lead, and the rule that refuses it. */
export interface PathRefusal {
  readonly argument: string;
  /** The path as the assistant wrote it. */
  readonly path: string;
  /** The absolute path that matched, when it differs from what was written (a base, a link). */
  readonly resolved: string;
  readonly rule: string;
  /** The rule protects the gateway's or the assistant's configuration. */
  readonly protected: boolean;
}

/**
 * Checks the paths a call names as the downstream server will resolve them: against each folder
 * the server may take a relative path from, the literal path and the real path it leads to
 * (links followed), with letter case and Unicode normalisation ignored.
 */
export class PathGuard {
  private readonly bases = new Map<string, readonly string[]>();

  constructor(private readonly options: PathGuardOptions) {}

  /** The first path in `args` that `persona` may not touch through `server`, if any. */
  async refusal(
    persona: Persona,
    server: string,
    config: McpServerConfig | undefined,
    args: unknown,
    /**
     * The client's roots: servers that follow roots resolve relative paths against them. Asked
     * for only when a relative path needs bases (it may cost a round trip to the client).
     */
    roots: () => Promise<readonly string[]> = async () => [],
  ): Promise<PathRefusal | undefined> {
    let rootFolders: readonly string[] | undefined;
    for (const { argument, path } of argumentPaths(args)) {
      if (path.includes('\0'))
        return { argument, path, resolved: path, rule: 'a NUL byte', protected: false };
      if (spellings(path).some((spelling) => !isAbsolute(this.expand(spelling))))
        rootFolders ??= await roots();
      for (const candidate of this.candidates(server, config, path, rootFolders ?? [])) {
        const refused = this.check(persona, candidate);
        if (refused !== undefined) return { argument, path, resolved: candidate, ...refused };
      }
    }
    return undefined;
  }

  /**
   * Whether `absolute`, a path a listing names, is restricted for `persona`. By name only: a
   * link in a listing is shown by its own name, and what it leads to is refused when used.
   */
  isRestricted(persona: Persona, absolute: string): boolean {
    return this.check(persona, absolute) !== undefined;
  }

  /**
   * The existing folders among the paths in `args`, as written and as their real paths: a
   * listing of them is filtered, whichever of the two its entries are relative to.
   */
  folders(server: string, config: McpServerConfig | undefined, args: unknown): string[] {
    const found = new Set<string>();
    for (const { path } of argumentPaths(args)) {
      for (const base of this.basesOf(server, config)) {
        const absolute = this.absolute(base, path);
        if (isFolder(absolute)) found.add(absolute).add(realPathOf(absolute));
      }
    }
    return [...found];
  }

  private check(persona: Persona, absolute: string) {
    const { project: cwd, home, protectedPaths } = this.options;
    const verdict = checkPath(persona, absolute, { cwd, home, alsoRestricted: protectedPaths });
    if (verdict.allowed) return undefined;
    const own = persona.restrictedPaths.includes(verdict.rule);
    return { rule: verdict.rule, protected: !own };
  }

  /** Every absolute path `path` may name: per base, per spelling, literal and real. */
  private candidates(
    server: string,
    config: McpServerConfig | undefined,
    path: string,
    roots: readonly string[],
  ): string[] {
    const found = new Set<string>();
    for (const spelling of spellings(path)) {
      const bases = isAbsolute(this.expand(spelling))
        ? ['']
        : [...new Set([...this.basesOf(server, config), ...roots])];
      for (const base of bases) {
        const literal = this.absolute(base, spelling);
        found.add(literal);
        found.add(realPathOf(literal));
        // A server that hands the path to the kernel as written resolves `..` after a link
        // physically: where the link led, not where its name is.
        if (/(^|[/\\])\.\.([/\\]|$)/.test(spelling)) {
          const expanded = this.expand(spelling);
          found.add(realPathOf(isAbsolute(expanded) ? expanded : `${base}/${expanded}`));
        }
      }
    }
    return [...found];
  }

  private basesOf(server: string, config: McpServerConfig | undefined): readonly string[] {
    let bases = this.bases.get(server);
    if (bases === undefined) {
      bases = serverBases(config, this.options);
      this.bases.set(server, bases);
    }
    return bases;
  }

  private expand(path: string): string {
    return expandHome(path, this.options.home);
  }

  private absolute(base: string, path: string): string {
    return resolve(base === '' ? '/' : base, this.expand(path));
  }
}

/** The ways a server may read `path`: as written, and (on Windows, or normalising) with `\` as `/`. */
function spellings(path: string): string[] {
  const slashed = path.replaceAll('\\', '/');
  return slashed === path ? [path] : [path, slashed];
}
