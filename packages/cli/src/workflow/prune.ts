import {
  FINISHED_STATUSES,
  PRUNABLE_STATUSES,
  pruneRuns,
  type RunStatus,
} from '@tta-dev/workflows/runs';
import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { colors, type Io, printJson, println } from '../Io.js';
import { table } from '../table.js';
import { runStoreOf, storeLabelOf } from './_runStore.js';

export const pruneHelp = `Usage: tta workflow prune --older-than AGE [--status S,...] [--dry-run] [--json]

Retention: removes the runs that ended more than AGE ago (their events, summary and lease) from
the run store, the runs folder or the PostgreSQL of TTA_RUN_STORE. By default only runs that
can never go on (completed, cancelled); runs that wait, run or may be resumed stay. A run
another process holds is left alone. Journal pages the runs wrote stay in the knowledge base.

Options:
  --older-than AGE   how long ago the run's last event was: 90d, 12h, 30m
  --status S,...     which runs, of ${PRUNABLE_STATUSES.join(', ')} (default: ${FINISHED_STATUSES.join(', ')})
  --dry-run          only list the runs it would remove
  --json             print as JSON
  -h, --help`;

const UNITS_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000 };

export async function prune(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow prune', argv, {
    'older-than': { type: 'string' },
    status: { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, pruneHelp);
    return 0;
  }
  if (positionals.length > 0)
    throw usageError(
      `tta workflow prune: takes no run ids, got "${positionals[0]}"\n\n${pruneHelp}`,
    );
  const ageMs = ageOf(values['older-than']);
  const statuses = statusesOf(values.status);
  const dryRun = values['dry-run'] === true;
  const store = runStoreOf(io);
  const label = storeLabelOf(store);
  const before = Date.now() - ageMs;
  const c = colors(io);
  const { removed, busy } = await pruneRuns(store, {
    before,
    statuses,
    dryRun,
    // Progress on a long prune, unless the output is JSON.
    onRun: values.json
      ? undefined
      : (run) => println(io, c.dim(`${dryRun ? 'would remove' : 'removed'} ${run.runId}`)),
  });
  if (values.json) {
    printJson(io, {
      store: label,
      before: new Date(before).toISOString(),
      statuses,
      dryRun,
      removed,
      busy,
    });
    return 0;
  }
  const runs = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
  const which = `${statuses.join(' or ')}, last changed before ${new Date(before).toISOString()}`;
  if (removed.length > 0)
    println(
      io,
      table(
        ['RUN', 'WORKFLOW', 'STATUS', 'LAST CHANGED'],
        removed.map((r) => [r.runId, r.workflow, r.status, r.updated]),
      ),
    );
  println(
    io,
    `${dryRun ? 'Would remove' : '✓ removed'} ${runs(removed.length)} (${which}) from ${label}`,
  );
  if (busy.length > 0)
    println(io, `kept ${runs(busy.length)} another process holds: ${busy.join(', ')}`);
  return 0;
}

function ageOf(value: string | undefined): number {
  if (value === undefined)
    throw usageError(
      `tta workflow prune: --older-than is required (for example 90d)\n\n${pruneHelp}`,
    );
  const match = /^(\d+)([dhm])$/.exec(value.trim());
  if (match === null || Number(match[1]) === 0)
    throw usageError(
      `tta workflow prune: --older-than must be a positive whole number of days, hours or minutes (90d, 12h, 30m), got "${value}"`,
    );
  return Number(match[1]) * UNITS_MS[match[2]!]!;
}

function statusesOf(value: string | undefined): RunStatus[] {
  if (value === undefined) return [...FINISHED_STATUSES];
  const statuses = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const wrong = statuses.filter((s) => !PRUNABLE_STATUSES.includes(s as RunStatus));
  if (statuses.length === 0 || wrong.length > 0)
    throw usageError(
      `tta workflow prune: --status takes ${PRUNABLE_STATUSES.join(', ')}; got "${wrong[0] ?? value}"`,
    );
  return statuses as RunStatus[];
}
