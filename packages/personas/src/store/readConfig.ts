import { readBoundedFile } from '../files/readBoundedFile.js';
import { ConfigCorruptError } from './ConfigError.js';
import type { PersonaConfig } from './PersonaConfig.js';

/**
 * Reads `config.json`: `undefined` when it does not exist, a `ConfigCorruptError` (with the
 * line) when it is not JSON or its persona fields have the wrong shape, and the system's error
 * (with the file as its `path`) when it cannot be read. Kept free of heavy
 * imports: `tta-persona current` starts with this alone.
 */
export async function readConfig(file: string): Promise<PersonaConfig | undefined> {
  let text: string;
  try {
    text = await readBoundedFile(file, {
      refuse: (reason) => new ConfigCorruptError(file, reason),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Some errors (EISDIR: a folder in its place) do not say which file; name it.
    throw Object.assign(error as NodeJS.ErrnoException, { path: file });
  }
  return parseConfig(file, text);
}

/** Parses the text of `config.json`, as `readConfig` does. */
export function parseConfig(file: string, text: string): PersonaConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigCorruptError(
      file,
      `not valid JSON (${(error as Error).message})`,
      lineAt(text, jsonErrorOffset(text)),
    );
  }
  const problem = shapeProblem(data);
  if (problem !== undefined) {
    const at = problem.key === undefined ? undefined : keyOffset(text, problem.key);
    throw new ConfigCorruptError(
      file,
      problem.message,
      lineAt(text, at ?? text.length - text.trimStart().length),
    );
  }
  return data as PersonaConfig;
}

function shapeProblem(data: unknown): { message: string; key?: string } | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { message: 'expected a JSON object' };
  const { activePersona, personaHistory } = data as Record<string, unknown>;
  if (activePersona !== undefined && activePersona !== null) {
    const a = activePersona as Record<string, unknown>;
    if (typeof a !== 'object' || typeof a.name !== 'string' || typeof a.since !== 'string')
      return {
        message: 'activePersona must be an object with a string name and since',
        key: 'activePersona',
      };
  }
  if (personaHistory !== undefined && !Array.isArray(personaHistory))
    return { message: 'personaHistory must be a list', key: 'personaHistory' };
  return undefined;
}

/** 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  return text.slice(0, Math.max(0, offset)).split('\n').length;
}

/**
 * Offset of the character where JSON.parse fails on `text`. Node 20's messages give a position
 * for some errors only ("Unexpected token 'x', ... is not valid JSON" and "Unexpected end of JSON
 * input" have none), so the offset is found as the end of the shortest prefix that fails before
 * its own end; a text that only fails at its end (cut off) fails at its last character.
 */
function jsonErrorOffset(text: string): number {
  const failsInside = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      const message = (error as Error).message;
      if (message.includes('end of JSON input')) return false;
      const position = /at position (\d+)/.exec(message);
      return position === null || Number(position[1]) < length;
    }
  };
  if (!failsInside(text.length)) return text.trimEnd().length - 1;
  let low = 0; // fails only at (or after) its end
  let high = text.length; // fails inside
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (failsInside(middle)) high = middle;
    else low = middle;
  }
  return high - 1;
}

/** Offset of the top-level `key` of a JSON object text (its last occurrence, as JSON.parse). */
function keyOffset(text: string, key: string): number | undefined {
  const colon = /\s*:/y;
  let depth = 0;
  let found: number | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      colon.lastIndex = i + 1;
      if (depth === 1 && colon.test(text) && JSON.parse(text.slice(start, i + 1)) === key)
        found = start;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return found;
}
