import { isConfigCorruptError, PersonaStore, readConfig } from '@tta-dev/personas/store';
import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { colors, type Io, printJson, println } from '../Io.js';
import { homeOf } from './_registry.js';

export const resetHelp = `Usage: tta-persona reset [--yes] [--json]

Starts config.json afresh: no active persona, no history. The old file is kept as
config.json.bak-<time>. This is how a corrupt config.json is repaired; nothing else
overwrites it. Asks for confirmation unless --yes is given.

Options:
  -y, --yes   do not ask
  --json      print { config, backup } as JSON
  -h, --help`;

export async function reset(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parse('tta-persona reset', argv, {
    yes: { type: 'boolean', short: 'y' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, resetHelp);
    return 0;
  }
  const store = new PersonaStore({ home: homeOf(io) });
  const state = await readConfig(store.file).then(
    (config) => (config === undefined ? 'missing' : 'valid'),
    (error: unknown) => {
      if (isConfigCorruptError(error)) return 'corrupt';
      throw error;
    },
  );
  if (!values.yes) {
    const question =
      state === 'corrupt'
        ? `${store.file} is corrupt. Back it up and start afresh?`
        : `Clear the active persona and the history in ${store.file} (a backup is kept)?`;
    if (io.confirm === undefined)
      throw usageError(
        `tta-persona reset: ${question.replace(/\?$/, '')}: pass --yes to confirm (no terminal to ask on).`,
      );
    if (!(await io.confirm(`${question} [y/N] `))) {
      println(io, 'Nothing changed.');
      return 1;
    }
  }
  const { backup } = await store.reset();
  if (values.json) printJson(io, { config: store.file, backup: backup ?? null, was: state });
  else {
    const c = colors(io);
    println(
      io,
      `${c.green('✓')} ${store.file} starts afresh${backup === undefined ? '' : c.dim(` (old file kept as ${backup})`)}`,
    );
  }
  return 0;
}
