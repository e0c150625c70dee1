import { isRunBusyError } from '../runs/errors/RunBusyError.js';
import type { RunStatus } from '../runs/RunState.js';
import type { RunStore } from '../runs/RunStore.js';
import type { RunSummary } from '../runs/RunSummary.js';
import { type RunCommandOptions, withRun } from './withRun.js';

/** The statuses `pruneRuns` removes unless told otherwise: runs that can never go on. */
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'cancelled'];

/** The statuses a run may be pruned in: never one that waits, runs or may be resumed by itself. */
export const PRUNABLE_STATUSES: readonly RunStatus[] = [
  'completed',
  'cancelled',
  'failed',
  'gate_failed',
];

export interface PruneOptions extends Pick<RunCommandOptions, 'owner' | 'signal'> {
  /** Runs whose last event is older than this (epoch ms) are removed. */
  readonly before: number;
  /** Which runs, by status (of `PRUNABLE_STATUSES`). Default: `FINISHED_STATUSES`. */
  readonly statuses?: readonly RunStatus[];
  /** Only say what would be removed. */
  readonly dryRun?: boolean;
  /** Told of each run as it is removed (or would be), for progress. */
  readonly onRun?: (run: RunSummary) => void;
}

export interface Pruned {
  /** The runs removed (or, with `dryRun`, that would be), as they were listed. */
  readonly removed: RunSummary[];
  /** Runs that matched but that another process held, left alone. */
  readonly busy: string[];
}

/**
 * Retention: removes the runs in `statuses` whose last event is older than `before`, each under
 * its lease and checked again under it (a run that was resumed, or got a note, since it was
 * listed is kept). A run another process holds is left alone. The store must have `remove`.
 * Nothing else is touched: the journal pages a run wrote stay in the knowledge base.
 */
export async function pruneRuns(store: RunStore, options: PruneOptions): Promise<Pruned> {
  const statuses = new Set(options.statuses ?? FINISHED_STATUSES);
  for (const status of statuses)
    if (!PRUNABLE_STATUSES.includes(status))
      throw new RangeError(
        `runs that are ${status} cannot be pruned (only ${PRUNABLE_STATUSES.join(', ')})`,
      );
  const remove = store.remove?.bind(store);
  if (remove === undefined) throw new TypeError('this run store cannot remove runs');
  const prunable = (run: { status: RunStatus; updated: string }) =>
    statuses.has(run.status) && Date.parse(run.updated) < options.before;
  const removed: RunSummary[] = [];
  const busy: string[] = [];
  for (const run of await store.list({ signal: options.signal })) {
    if (!prunable(run)) continue;
    if (options.dryRun) {
      removed.push(run);
      options.onRun?.(run);
      continue;
    }
    try {
      const gone = await withRun(
        store,
        run.runId,
        async ({ state }) => {
          if (!prunable(state)) return false;
          await remove(run.runId, { signal: options.signal });
          return true;
        },
        { owner: options.owner, signal: options.signal, waitMs: 0 },
      );
      if (gone) {
        removed.push(run);
        options.onRun?.(run);
      }
    } catch (error) {
      if (!isRunBusyError(error)) throw error;
      busy.push(run.runId);
    }
  }
  return { removed, busy };
}
