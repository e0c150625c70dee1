// Kept to the light store entry point: shells and prompts call this on every prompt.
import { PersonaStore, ttaHome } from '@tta-dev/personas/store';
import { parse } from '../args.js';
import { colors, type Io, printJson, println } from '../Io.js';

export const currentHelp = `Usage: tta-persona current [--json]

Prints the active persona. Exits 1 when none is active.

Options:
  --json   print { name, displayName, icon, source, since } (null when none is active)
  -h, --help`;

export async function current(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parse('tta-persona current', argv, { json: { type: 'boolean' } });
  if (values.help) {
    println(io, currentHelp);
    return 0;
  }
  const store = new PersonaStore({ home: ttaHome(io.env) });
  const config = await store.read();
  const active = config?.activePersona;
  if (values.json) {
    printJson(io, active ?? null);
    return active === undefined ? 1 : 0;
  }
  if (active === undefined) {
    const why = config === undefined ? `${store.file} does not exist yet` : 'none has been chosen';
    io.stderr.write(
      `No persona is active (${why}). Switch with "tta-persona <name>"; see "tta-persona list".\n`,
    );
    return 1;
  }
  const c = colors(io);
  println(io, `${active.icon} ${c.bold(active.displayName)} ${c.dim(`(${active.name})`)}`);
  return 0;
}
