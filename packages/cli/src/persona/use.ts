import { PersonaScopes } from '@tta-dev/personas/store';
import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { colors, type Io, printJson, println } from '../Io.js';
import { homeOf, loadRegistry, resolveOrFail, sourceLabel } from './_registry.js';

export const useHelp = `Usage: tta-persona use <name> [--project] [--json]
       tta-persona <name> [--project]

Switches the active persona of the user (or, with --project, of the project in the working
folder, which comes first there). <name> is a persona's name, an alias (backend, obs, ds...) or
a chat mode name (backend-developer...). The MCP gateway follows the switch live. A workflow run
switches its own scope, never these.

Options:
  --project  switch the project's scope (.tta/persona.json) instead of the user's
  --json     print the switch as JSON
  -h, --help`;

export async function use(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta-persona use', argv, {
    project: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, useHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw usageError(`tta-persona use: expected one persona name\n\n${useHelp}`);
  const registry = await loadRegistry(io);
  const loaded = resolveOrFail(registry, positionals[0]!);
  const { persona } = loaded;
  const scopes = new PersonaScopes({ home: homeOf(io), project: io.cwd });
  const store = values.project ? scopes.project! : scopes.user;
  const change = await store.activate({
    name: persona.name,
    displayName: persona.displayName,
    icon: persona.icon,
    source: loaded.source.file ?? 'builtin',
  });
  if (values.json) {
    printJson(io, {
      ...change,
      persona: persona.name,
      source: sourceLabel(loaded),
      config: store.file,
    });
    return 0;
  }
  const c = colors(io);
  const was =
    change.from === null
      ? ''
      : change.from === persona.name
        ? c.dim(' (already active)')
        : c.dim(` (was ${change.from} for ${formatDuration(change.previousDurationMs ?? 0)})`);
  println(
    io,
    `${persona.icon} ${c.bold(persona.displayName)} ${c.dim(`(${persona.name})`)} is now active${values.project ? ' in this project' : ''}${was}`,
  );
  println(
    io,
    c.dim(
      `  ${persona.allowedServers.length} servers, budget ${persona.tokenBudget} tokens · ${sourceLabel(loaded)}`,
    ),
  );
  return 0;
}

/** 75_000 → "1m 15s". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  return h < 24 ? `${h}h ${m % 60}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}
