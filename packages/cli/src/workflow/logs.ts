import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { type Io, println } from '../Io.js';
import { runStoreOf } from './_engine.js';
import { progressPrinter } from './progress.js';

export const logsHelp = `Usage: tta workflow logs <run> [--json]

Prints every recorded event of a run, in order: the same lines as the run printed, on stderr,
or the events as JSON lines on stdout with --json.

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
  const print = progressPrinter(io, values.json === true);
  for (const event of events) print(event);
  return 0;
}
