import { readFile } from 'node:fs/promises';
import { ConfigCorruptError } from './ConfigError.js';
import type { PersonaConfig } from './PersonaConfig.js';

/**
 * Reads `config.json`: `undefined` when it does not exist, a `ConfigCorruptError` (with the
 * line) when it is not JSON or its persona fields have the wrong shape. Kept free of heavy
 * imports: `tta-persona current` starts with this alone.
 */
export async function readConfig(file: string): Promise<PersonaConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigCorruptError(
      file,
      `not valid JSON (${(error as Error).message})`,
      errorLine(text, error as Error),
    );
  }
  const problem = shapeProblem(data);
  if (problem !== undefined) throw new ConfigCorruptError(file, problem);
  return data as PersonaConfig;
}

function shapeProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return 'expected a JSON object';
  const { activePersona, personaHistory } = data as Record<string, unknown>;
  if (activePersona !== undefined && activePersona !== null) {
    const a = activePersona as Record<string, unknown>;
    if (typeof a !== 'object' || typeof a.name !== 'string' || typeof a.since !== 'string')
      return 'activePersona must be an object with a string name and since';
  }
  if (personaHistory !== undefined && !Array.isArray(personaHistory))
    return 'personaHistory must be a list';
  return undefined;
}

/** The 1-based line of a JSON.parse error, from the position or line its message gives. */
function errorLine(text: string, error: Error): number | undefined {
  const line = /line (\d+)/.exec(error.message);
  if (line) return Number(line[1]);
  const position = /position (\d+)/.exec(error.message);
  if (position) return text.slice(0, Number(position[1])).split('\n').length;
  return undefined;
}
