import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { RunBusyError } from '../runs/errors/RunBusyError.js';
import { RunNotFoundError } from '../runs/errors/RunNotFoundError.js';
import { applyEvent, foldRun } from '../runs/foldRun.js';
import type { RunEvent, RunEventInput } from '../runs/RunEvent.js';
import type { RunState } from '../runs/RunState.js';
import type { Lease, RunStore } from '../runs/RunStore.js';
import { withLease } from '../runs/withLease.js';

export interface RunCommandOptions {
  /**
   * Who changes the run (the lease owner). Default: `<host>:<pid>:<random>`, new for each command:
   * never the owner of a drive in this process, whose lease it would supersede.
   */
  owner?: string;
  /**
   * How long to wait for another process's lease (another command, or a drive about to end)
   * before giving up with `RunBusyError`. Default: 5000 ms.
   */
  waitMs?: number;
  signal?: AbortSignal;
}

/** A run taken by a command: its state folded under the lease, and the way to add to it. */
export interface TakenRun {
  readonly state: RunState;
  readonly lease: Lease;
  /** Appends an event (validated and redacted by the store) and folds it into `state`. */
  append(event: RunEventInput): Promise<RunEvent>;
}

/** A lease owner for one command of this process. */
export const commandOwner = (): string =>
  `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * Runs `work` on a run as its only writer: takes the run's lease (waiting a little while
 * another process holds it), folds its log under the lease, and gives the lease back on every
 * way out. `RunNotFoundError` for a run with no events, `RunBusyError` when the lease stays
 * taken (a drive going on).
 */
export async function withRun<T>(
  store: RunStore,
  runId: string,
  work: (run: TakenRun) => Promise<T>,
  options: RunCommandOptions = {},
): Promise<T> {
  if ((await store.read(runId, options)).length === 0) throw new RunNotFoundError(runId);
  const lease = await takeLease(store, runId, options);
  return withLease(lease, async () => {
    const state = foldRun(await store.read(runId, options))!;
    return work({
      state,
      lease,
      append: async (event) => {
        const stored = await store.append(runId, event, options);
        applyEvent(state, stored);
        return stored;
      },
    });
  });
}

async function takeLease(
  store: RunStore,
  runId: string,
  { owner = commandOwner(), waitMs = 5_000, signal }: RunCommandOptions,
): Promise<Lease> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    const lease = await store.lease(runId, owner, signal === undefined ? {} : { signal });
    if (lease !== undefined) return lease;
    if (Date.now() >= deadline) throw new RunBusyError(runId);
    await new Promise((resolve) => setTimeout(resolve, Math.min(5 * 2 ** attempt, 200)));
  }
}
