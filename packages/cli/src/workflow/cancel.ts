import { cancelRun } from '@tta-dev/workflows/runs';
import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { type Io, println } from '../Io.js';
import { runStoreOf } from './_runStore.js';

export const cancelHelp = `Usage: tta workflow cancel <run> [--reason TEXT]

Ends a run that is waiting or stopped, so that it is not resumed. A run that another process is
driving right now cannot be cancelled from here: stop that process (Ctrl-C) first.

Options:
  --reason TEXT   why (kept in the run's events)
  -h, --help`;

export async function cancel(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow cancel', argv, {
    reason: { type: 'string' },
  });
  if (values.help) {
    println(io, cancelHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw usageError(`tta workflow cancel: expected one run id\n\n${cancelHelp}`);
  const runId = positionals[0]!;
  await cancelRun(
    runStoreOf(io),
    runId,
    values.reason ?? `cancelled by ${io.env.USER ?? 'a person'}`,
  );
  println(io, `✓ run ${runId} is cancelled`);
  return 0;
}
