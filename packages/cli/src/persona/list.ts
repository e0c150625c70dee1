import type { LoadedPersona } from '@tta-dev/personas/registry';
import { PersonaStore } from '@tta-dev/personas/store';
import { parse } from '../args.js';
import { colors, type Io, printJson, println } from '../Io.js';
import { table } from '../table.js';
import { homeOf, loadRegistry, sourceLabel } from './_registry.js';

export const listHelp = `Usage: tta-persona list [--json]

Lists every persona: built-ins, then ~/.hypertool/personas/, then the project's
.hypertool/personas/ (later ones override earlier ones of the same name). The active one is
marked with *.

Options:
  --json   print the list as JSON
  -h, --help`;

/** Tool rules of a persona: its tool globs, and the servers it allows whole. */
export function toolSummary(loaded: LoadedPersona): { rules: number; wholeServers: string[] } {
  const { allowedServers, allowedTools } = loaded.persona;
  return {
    rules: Object.values(allowedTools).reduce((n, globs) => n + globs.length, 0),
    wholeServers: allowedServers.filter((s) => allowedTools[s] === undefined),
  };
}

export async function list(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parse('tta-persona list', argv, { json: { type: 'boolean' } });
  if (values.help) {
    println(io, listHelp);
    return 0;
  }
  const registry = await loadRegistry(io);
  const active = await new PersonaStore({ home: homeOf(io) }).active().catch(() => undefined);
  const personas = registry.list();
  if (values.json) {
    printJson(
      io,
      personas.map((p) => ({
        name: p.persona.name,
        displayName: p.persona.displayName,
        icon: p.persona.icon,
        aliases: p.persona.aliases,
        chatmodes: p.persona.chatmodes,
        tokenBudget: p.persona.tokenBudget,
        servers: p.persona.allowedServers,
        toolRules: toolSummary(p).rules,
        source: p.source,
        active: p.persona.name === active?.name,
      })),
    );
    return 0;
  }
  const c = colors(io);
  const rows = personas.map((p) => {
    const isActive = p.persona.name === active?.name;
    const { rules, wholeServers } = toolSummary(p);
    return [
      isActive ? c.green('*') : ' ',
      `${p.persona.icon} ${isActive ? c.bold(p.persona.name) : p.persona.name}`,
      p.persona.aliases.join(', '),
      String(p.persona.tokenBudget),
      p.persona.allowedServers.join(', '),
      wholeServers.length > 0 ? `${rules} + all of ${wholeServers.join(', ')}` : String(rules),
      p.source.kind === 'builtin' ? 'built-in' : sourceLabel(p),
    ];
  });
  println(io, table([' ', 'PERSONA', 'ALIASES', 'BUDGET', 'SERVERS', 'TOOLS', 'SOURCE'], rows));
  if (active === undefined)
    println(io, c.dim('\nNo persona is active: switch with "tta-persona <name>".'));
  return 0;
}
