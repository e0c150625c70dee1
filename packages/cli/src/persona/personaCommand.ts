import { usageError } from '../CliError.js';
import { type Io, println } from '../Io.js';

type Command = (argv: readonly string[], io: Io) => Promise<number>;

/** Each command is loaded only when it runs, so that `current` starts without the rest. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  list: async () => (await import('./list.js')).list,
  current: async () => (await import('./current.js')).current,
  use: async () => (await import('./use.js')).use,
  show: async () => (await import('./show.js')).show,
  validate: async () => (await import('./validate.js')).validate,
  history: async () => (await import('./history.js')).history,
  reset: async () => (await import('./reset.js')).reset,
  export: async () => (await import('./export.js')).exportCommand,
};

/** The names of the commands, in the order their help lists them. */
export const commandNames: readonly string[] = Object.keys(COMMANDS);

export const personaHelp = (bin: string) => `Usage: ${bin} <command> [options]
       ${bin} <name-or-alias>          switch persona (same as "use")

Commands:
  list                      list personas (* marks the active one)
  current                   print the persona in force here and its scope (run, project, user)
  use <name> [--project]    switch to a persona by name, alias or chat mode (user's scope)
  show <name>               print what a persona allows
  validate [files...]       check persona files against the schema
  history                   recent switches
  reset                     start config.json afresh (keeps a backup)
  export --target T         write personas for copilot, claude or cursor

Options:
  --json       machine-readable output (read commands)
  -h, --help   help for ${bin} or for a command

Personas live in ~/.hypertool/personas/ and .hypertool/personas/ (JSON or YAML); the active one
in ~/.hypertool/config.json (the user's), .tta/persona.json (the project's) and each run's own. TTA_HOME replaces ~/.hypertool. NO_COLOR turns colours off.`;

/** Runs `tta-persona <argv>` (also `tta persona <argv>`); resolves to the exit code. */
export async function runPersonaCommand(
  argv: readonly string[],
  io: Io,
  bin = 'tta-persona',
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    println(io, personaHelp(bin));
    return first === undefined ? 2 : 0;
  }
  const load = COMMANDS[first];
  if (load !== undefined) return (await load())(rest, io);
  if (first.startsWith('-'))
    throw usageError(`${bin}: unknown option "${first}"\nRun "${bin} --help" for usage.`);
  // `tta-persona backend` is `tta-persona use backend`.
  return (await COMMANDS.use!())(argv, io);
}
