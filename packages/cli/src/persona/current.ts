// Kept to the light store entry point: shells and prompts call this on every prompt.
import { resolve } from 'node:path';
import { PersonaScopes, ttaHome } from '@tta-dev/personas/store';
import { parse } from '../args.js';
import { colors, type Io, printJson, println } from '../Io.js';

export const currentHelp = `Usage: tta-persona current [--project DIR] [--run ID] [--json]

Prints the persona in force here and the scope it comes from: the run's (with --run), else the
project's (the stage a run of the project started last, or "tta-persona <name> --project"),
else the user's ("tta-persona <name>"). Exits 1 when none is active.

Options:
  --project DIR  the project (default: the working folder)
  --run ID       the run of the project whose scope comes first
  --json         print { name, displayName, icon, source, since, scope, file } (null when none
                 is active)
  -h, --help`;

export async function current(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parse('tta-persona current', argv, {
    project: { type: 'string' },
    run: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, currentHelp);
    return 0;
  }
  const scopes = new PersonaScopes({
    home: ttaHome(io.env),
    project: resolve(io.cwd, values.project ?? '.'),
    ...(values.run === undefined ? {} : { run: values.run }),
  });
  const { persona: active, scope, file } = scopes.effectiveNow();
  if (values.json) {
    printJson(io, active === undefined ? null : { ...active, scope, file });
    return active === undefined ? 1 : 0;
  }
  if (active === undefined) {
    const why =
      (await scopes.user.read()) === undefined
        ? `${scopes.user.file} does not exist yet`
        : 'none has been chosen';
    io.stderr.write(
      `No persona is active (${why}). Switch with "tta-persona <name>"; see "tta-persona list".\n`,
    );
    return 1;
  }
  const c = colors(io);
  const from =
    scope === 'run'
      ? `run ${values.run} scope`
      : `${scope} scope${active.run ? `, stage ${active.run.stage} of run ${active.run.id}` : ''}`;
  println(
    io,
    `${active.icon} ${c.bold(active.displayName)} ${c.dim(`(${active.name}) · ${from}`)}`,
  );
  return 0;
}
