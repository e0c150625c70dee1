import { PersonaStore } from '@tta-dev/personas/store';
import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { colors, type Io, printJson, println } from '../Io.js';
import { table } from '../table.js';
import { homeOf } from './_registry.js';
import { formatDuration } from './use.js';

export const historyHelp = `Usage: tta-persona history [--limit N] [--json]

Lists recent persona switches, newest last, with how long the previous persona was active.

Options:
  --limit N   show the last N switches (default 20)
  --json      print the switches as JSON
  -h, --help`;

export async function history(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parse('tta-persona history', argv, {
    json: { type: 'boolean' },
    limit: { type: 'string' },
  });
  if (values.help) {
    println(io, historyHelp);
    return 0;
  }
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw usageError(
      `tta-persona history: --limit must be a positive whole number, got "${values.limit}"`,
    );
  const switches = (await new PersonaStore({ home: homeOf(io) }).history()).slice(-limit);
  if (values.json) {
    printJson(io, switches);
    return 0;
  }
  const c = colors(io);
  if (switches.length === 0) {
    println(io, c.dim('No switches yet.'));
    return 0;
  }
  println(
    io,
    table(
      ['WHEN', 'FROM', 'TO', 'FROM WAS ACTIVE'],
      switches.map((s) => [
        s.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
        s.from ?? c.dim('none'),
        s.to ?? c.dim('none'),
        s.previousDurationMs === undefined ? '' : formatDuration(s.previousDurationMs),
      ]),
    ),
  );
  return 0;
}
