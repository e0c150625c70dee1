import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { type Io, println } from '../Io.js';
import { runStoreOf } from './_runStore.js';
import { eventLine } from './progress.js';

export const logsHelp = `Usage: tta workflow logs <run> [--json]

Prints every recorded event of a run, in order, on stdout: the same lines as the run printed,
or the events as JSON lines with --json.

Options:
  --json   the events as JSON lines
  -h, --help`;

export async function logs(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow logs', argv, { json: { type: 'boolean' } });
  if (values.help) {
    println(io, logsHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw usageError(`tta workflow logs: expected one run id\n\n${logsHelp}`);
  const events = await runStoreOf(io).read(positionals[0]!);
  if (events.length === 0)
    throw usageError(`no run "${positionals[0]}" here; see "tta workflow status"`);
  const line = eventLine(io, io.stdout);
  for (const event of events) {
    const text = values.json ? JSON.stringify(event) : line(event);
    if (text !== undefined) println(io, text);
  }
  return 0;
}
