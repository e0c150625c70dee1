import { homedir } from 'node:os';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { Persona } from '../schema/PersonaSchema.js';
import { matchesAny } from './matchers.js';
import { GATEWAY_TOOLS_KEY, toolName } from './toolName.js';

/** A verdict with the rule that decided it, for messages people can act on. */
export interface Verdict {
  readonly allowed: boolean;
  /** The pattern or rule that decided, e.g. `**\/.env` or `not in allowedServers`. */
  readonly rule: string;
}

export function isServerAllowed(persona: Persona, server: string): boolean {
  return persona.allowedServers.includes(server);
}

/**
 * Whether the persona may call `tool` of `server`: the server must be allowed, and its
 * `allowedTools` globs (when it has any) must match the tool.
 */
export function checkTool(persona: Persona, server: string, tool: string): Verdict {
  if (!isServerAllowed(persona, server))
    return { allowed: false, rule: `server "${server}" is not in allowedServers` };
  const globs = persona.allowedTools[server];
  if (globs === undefined) return { allowed: true, rule: `all tools of "${server}"` };
  const match = matchesAny(globs, tool);
  return match === undefined
    ? { allowed: false, rule: `"${tool}" matches none of allowedTools.${server}` }
    : { allowed: true, rule: match };
}

/** Whether the persona may use the gateway's own tool `tool`. */
export function checkGatewayTool(persona: Persona, tool: string): Verdict {
  const globs = persona.allowedTools[GATEWAY_TOOLS_KEY];
  if (globs === undefined) return { allowed: true, rule: "all of the gateway's own tools" };
  const match = matchesAny(globs, tool);
  return match === undefined
    ? { allowed: false, rule: `"${tool}" matches none of allowedTools.${GATEWAY_TOOLS_KEY}` }
    : { allowed: true, rule: match };
}

export function isToolAllowed(persona: Persona, server: string, tool: string): boolean {
  return checkTool(persona, server, tool).allowed;
}

export interface PathOptions {
  /** Folder that relative paths and relative patterns are taken from. Default: `process.cwd()`. */
  cwd?: string;
  /** Expansion of `~` in patterns and paths. Default: the user's home folder. */
  home?: string;
  /**
   * Patterns restricted whatever the persona says (the gateway's own configuration, say),
   * checked after `restrictedPaths` in the same way. Default: none.
   */
  alsoRestricted?: readonly string[];
}

/**
 * Whether the persona may touch `path`. Patterns in `restrictedPaths` starting with `/` or `~/`
 * match absolute paths; others match the path relative to `cwd` (so `**\/.env` and `infra/**`
 * mean what they say within the project) and, for `**\/`-patterns, anywhere.
 *
 * Matching ignores letter case and Unicode normalisation (both sides are taken to NFC): on a
 * case-insensitive or normalising file system `.ENV` and a decomposed `é` name the same file,
 * and refusing a spelling that names another file on Linux costs nothing worth keeping.
 * This is a check of names only; links are the caller's to resolve (the gateway does).
 */
export function checkPath(persona: Persona, path: string, options: PathOptions = {}): Verdict {
  const cwd = nfc(options.cwd ?? process.cwd());
  const home = nfc(options.home ?? homedir());
  const rules = pathRules(persona, home, options.alsoRestricted ?? NONE);
  const absolute = resolve(cwd, expandHome(nfc(path), home));
  const asAbsolute = posixPath(absolute);
  const fromCwd = posixPath(relative(cwd, absolute));
  const inside = fromCwd !== '' && !fromCwd.startsWith('..') && !isAbsolute(fromCwd);
  // Relative patterns match within cwd; outside it only `**/` ones can match the absolute path.
  const asRelative = inside ? fromCwd : asAbsolute;
  if (!rules.absolute.test(asAbsolute) && !rules.relative.test(asRelative))
    return { allowed: true, rule: 'no restricted path matches' };
  for (const rule of rules.each) {
    if (rule.test(rule.absolute ? asAbsolute : asRelative))
      return { allowed: false, rule: rule.pattern };
  }
  return { allowed: true, rule: 'no restricted path matches' }; // not reached: a combined test hit
}

const NONE: readonly string[] = [];

/** NFC, skipping the work for the ASCII that nearly every path is. */
const nfc = (text: string): string => (/[^\x20-\x7e]/.test(text) ? text.normalize('NFC') : text);
const posixPath = (path: string): string => (sep === '/' ? path : path.split(sep).join('/'));

interface PathRule {
  readonly pattern: string;
  readonly absolute: boolean;
  readonly test: (target: string) => boolean;
}

/** A persona's patterns compiled: one regular expression per kind for the common miss. */
interface PathRules {
  readonly absolute: RegExp;
  readonly relative: RegExp;
  readonly each: readonly PathRule[];
}

/** By persona, then by `also` (the same array from one caller), then by home. */
const compiled = new WeakMap<Persona, WeakMap<readonly string[], Map<string, PathRules>>>();

/**
 * The persona's restricted patterns (then `also`) compiled once per persona, home and `also`:
 * a check is a call per file of a listing, so it must cost a regular expression, not a loop.
 */
function pathRules(persona: Persona, home: string, also: readonly string[]): PathRules {
  let byAlso = compiled.get(persona);
  if (byAlso === undefined) {
    byAlso = new WeakMap();
    compiled.set(persona, byAlso);
  }
  let byHome = byAlso.get(also);
  if (byHome === undefined) {
    byHome = new Map();
    byAlso.set(also, byHome);
  }
  const found = byHome.get(home);
  if (found !== undefined) return found;
  const each = [...persona.restrictedPaths, ...also].map((pattern) => {
    const expanded = expandHome(pattern.normalize('NFC'), home);
    // A restricted folder restricts what is inside it.
    const globs = [expanded, `${expanded.replace(/\/+$/, '')}/**`];
    const res = globs.map((glob) => picomatch.makeRe(glob, { dot: true, nocase: true }));
    return { pattern, absolute: isAbsolute(expanded), res };
  });
  const combine = (rules: typeof each) =>
    rules.length === 0
      ? /$^/
      : new RegExp(rules.flatMap((r) => r.res.map((re) => `(?:${re.source})`)).join('|'), 'i');
  const rules: PathRules = {
    absolute: combine(each.filter((r) => r.absolute)),
    relative: combine(each.filter((r) => !r.absolute)),
    each: each.map(({ pattern, absolute, res }) => ({
      pattern,
      absolute,
      test: (target: string) => res.some((re) => re.test(target)),
    })),
  };
  byHome.set(home, rules);
  return rules;
}

export function isPathAllowed(persona: Persona, path: string, options?: PathOptions): boolean {
  return checkPath(persona, path, options).allowed;
}

/**
 * Variables every server gets unless blocked: what a process needs to start at all (the same
 * set the MCP SDK passes by default, plus locale and temp folders).
 */
export const BASE_ENVIRONMENT: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'LANG',
  'LC_*',
  'TMPDIR',
  'TZ',
];

export interface FilteredEnvironment {
  readonly env: Record<string, string>;
  /** Names left out, and why: `blocked` by blockList, or `not allowed`. */
  readonly dropped: readonly {
    readonly name: string;
    readonly reason: 'blocked' | 'not allowed';
  }[];
}

/**
 * The environment a server of this persona may receive: `BASE_ENVIRONMENT` and the names
 * matching `security.allowEnvironmentAccess`, minus those matching `security.blockList`
 * (blockList wins).
 */
export function filterEnvironment(
  persona: Persona,
  env: Readonly<Record<string, string | undefined>>,
): FilteredEnvironment {
  const allow = [...BASE_ENVIRONMENT, ...persona.security.allowEnvironmentAccess];
  const kept: Record<string, string> = {};
  const dropped: { name: string; reason: 'blocked' | 'not allowed' }[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (matchesAny(persona.security.blockList, name) !== undefined)
      dropped.push({ name, reason: 'blocked' });
    else if (matchesAny(allow, name) !== undefined) kept[name] = value;
    else dropped.push({ name, reason: 'not allowed' });
  }
  return { env: kept, dropped };
}

/** Whether `security.blockList` keeps the variable `name` from every server of this persona. */
export function isEnvironmentBlocked(persona: Persona, name: string): boolean {
  return matchesAny(persona.security.blockList, name) !== undefined;
}

/**
 * Whether an action needs a person's approval under this persona. Actions are tools as
 * `<server>__<tool>` and commands as `run:<command line>`.
 */
export function needsApproval(persona: Persona, action: string): string | undefined {
  // Command lines hold slashes (`git push origin feature/x`): `*` must match them too.
  return matchesAny(persona.security.requireApprovalFor, action, { text: true });
}

/** `needsApproval` for a tool call. */
export function toolNeedsApproval(
  persona: Persona,
  server: string,
  tool: string,
): string | undefined {
  return needsApproval(persona, toolName(server, tool));
}

/** `path` with a leading `~` (alone, or `~/…`) taken to `home`, as shells and servers do. */
export function expandHome(path: string, home: string): string {
  return path === '~' ? home : path.startsWith('~/') ? `${home}/${path.slice(2)}` : path;
}
