import { type LoadedPersona, PersonaRegistry, ttaHome } from '@tta-dev/personas/registry';
import { CliError, usageError } from '../CliError.js';
import type { Io } from '../Io.js';

/** Loads every persona; an invalid persona file is bad input (exit 2) naming file, line and field. */
export async function loadRegistry(io: Io): Promise<PersonaRegistry> {
  const registry = await PersonaRegistry.load({ cwd: io.cwd, home: homeOf(io) });
  if (registry.errors.length > 0) {
    throw new CliError(
      `${registry.errors.map((e) => e.message).join('\n')}\nFix ${registry.errors.length === 1 ? 'this file' : 'these files'} (or move ${registry.errors.length === 1 ? 'it' : 'them'} away) and run the command again.`,
      2,
    );
  }
  return registry;
}

/** Finds a persona by name, alias or chat mode, or fails with exit 2 and suggestions. */
export function resolveOrFail(registry: PersonaRegistry, query: string): LoadedPersona {
  const found = registry.resolve(query);
  if (found !== undefined) return found;
  const suggestions = registry.suggest(query);
  throw usageError(
    `unknown persona "${query}"${suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : ''}\nRun "tta-persona list" to see them all.`,
  );
}

/** The folder of config.json and personas/: `$TTA_HOME` of the command's environment, else ~/.hypertool. */
export function homeOf(io: Io): string {
  return ttaHome(io.env);
}

export function sourceLabel(loaded: LoadedPersona): string {
  return loaded.source.kind === 'builtin'
    ? 'built-in'
    : `${loaded.source.kind}: ${loaded.source.file}`;
}
