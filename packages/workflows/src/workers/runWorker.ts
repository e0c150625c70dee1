import type { RunResult } from '../engine/WorkflowEngine.js';
import { isRunBusyError } from '../runs/errors/RunBusyError.js';
import { foldRun } from '../runs/foldRun.js';
import type { RunState } from '../runs/RunState.js';
import type { RunStore } from '../runs/RunStore.js';
import type { RunSummary } from '../runs/RunSummary.js';

/** What a worker reports, one per claim and per finish (`tta worker` prints each as a line). */
export type WorkerEvent =
  | {
      readonly type: 'claimed';
      readonly runId: string;
      readonly workflow: string;
      /** `queued`, or `interrupted`: its holder died (a lease that lapsed). */
      readonly was: 'queued' | 'interrupted';
    }
  | {
      readonly type: 'finished';
      readonly runId: string;
      readonly workflow: string;
      /** Where the drive left the run: `completed`, `suspended`, `failed`, `queued` (handed back)… */
      readonly status: string;
    }
  | {
      readonly type: 'error';
      /** The run whose drive failed; none when the store itself could not be read. */
      readonly runId?: string;
      readonly message: string;
    };

export interface WorkerOptions {
  readonly store: RunStore;
  /** The labels this worker offers: it takes a queued run only when it has every label it needs. */
  readonly labels: readonly string[];
  /** Runs driven at once. Default: 1. */
  readonly concurrency?: number;
  /**
   * The lease time of the fleet: a holder that died sends no event, so while another process
   * drives a run the worker looks again this often, to take the run once its lease lapsed.
   */
  readonly leaseMs: number;
  /** Claim what is claimable now, finish it, and resolve (tests, cron). */
  readonly once?: boolean;
  /**
   * Stops the worker: it claims nothing more, and each drive going on gets `handBack` aborted
   * (the engine gives the run back at its next step boundary). Resolves when all have ended.
   */
  readonly signal?: AbortSignal;
  /** How often to look at `list()` when the store has no `changes()`. Default: 1000 ms. */
  readonly pollMs?: number;
  /**
   * Drives one run: resumes it with an engine under the run's lease, passing `claim` on
   * (`WorkflowEngine.resume`'s option) and `handBack` to the engine. `RunBusyError` when another
   * process holds the lease: another worker won it.
   */
  readonly drive: (
    summary: RunSummary,
    claim: (state: RunState) => boolean,
    handBack: AbortSignal,
  ) => Promise<RunResult>;
  readonly onEvent?: (event: WorkerEvent) => void;
}

/**
 * Claims runs from `store` and drives them, up to `concurrency` at once: runs `queued` whose
 * needs this worker's labels cover, and runs `interrupted` (their lease lapsed: the holder died).
 * The lease makes a claim exclusive in every store; a claim lost to another worker is skipped.
 * Waits for work with `store.changes()` when the store has it, else looks at `list()` every
 * `pollMs`; and looks again when a lease held elsewhere may have lapsed (every `leaseMs`).
 */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const { store, labels, leaseMs, once = false, signal } = options;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const pollMs = options.pollMs ?? 1_000;
  const handBack = new AbortController();
  const wake = new Wakeup();
  const active = new Map<string, Promise<void>>();
  /**
   * Runs not to try again until they change (their `events` count then) or a lease time has
   * passed: a claim lost to another worker, or a drive that failed before changing the run.
   */
  const skip = new Map<string, { events: number; until: number }>();
  const skipping = (runId: string, events: number) =>
    skip.set(runId, { events, until: Date.now() + leaseMs });
  const onStop = () => {
    handBack.abort(signal?.reason);
    wake.notify();
  };
  signal?.addEventListener('abort', onStop, { once: true });
  const watching = new AbortController();
  const changes = store.changes;
  // A change worth a look: of a run this worker does not drive, while it has room for one more
  // (its own drives' events are most of them; a drive that ends wakes it anyway).
  const worthALook = (runId: string) => !active.has(runId) && active.size < concurrency;
  if (changes !== undefined)
    void watch(changes.call(store, { signal: watching.signal }), wake, worthALook);

  const offers = (needs: readonly string[] | undefined) =>
    (needs ?? []).every((label) => labels.includes(label));
  // Under the lease: still queued for labels it has, or running with nobody else holding it.
  const claim = (state: RunState) =>
    state.status === 'running' || (state.status === 'queued' && offers(state.needs));

  const start = (summary: RunSummary) => {
    const was = summary.status === 'queued' ? 'queued' : 'interrupted';
    const work = (async () => {
      try {
        const claimed = (state: RunState) => {
          const yes = claim(state);
          if (yes)
            options.onEvent?.({
              type: 'claimed',
              runId: summary.runId,
              workflow: summary.workflow,
              was,
            });
          return yes;
        };
        const result = await options.drive(summary, claimed, handBack.signal);
        if (result.claimed === false) {
          skipping(summary.runId, result.events.length);
          return;
        }
        options.onEvent?.({
          type: 'finished',
          runId: summary.runId,
          workflow: summary.workflow,
          status: result.status,
        });
      } catch (error) {
        skipping(summary.runId, summary.events);
        if (isRunBusyError(error)) return;
        options.onEvent?.({
          type: 'error',
          runId: summary.runId,
          message: messageOf(error),
        });
      } finally {
        active.delete(summary.runId);
        wake.notify();
      }
    })();
    active.set(summary.runId, work);
  };

  try {
    while (!signal?.aborted) {
      let runs: RunSummary[];
      try {
        // Only what a worker may take, or must watch for a holder dying: not the runs that ended.
        runs = await store.list({ statuses: ['queued', 'interrupted', 'running'] });
      } catch (error) {
        // A store that cannot be read now (a database restarting) is tried again later.
        options.onEvent?.({ type: 'error', message: messageOf(error) });
        if (once) throw error;
        await wake.wait(pollMs);
        continue;
      }
      let othersDrive = false;
      let started = 0;
      // Oldest first: list() gives the newest first.
      for (const summary of [...runs].reverse()) {
        if (signal?.aborted || active.size >= concurrency) break;
        if (active.has(summary.runId)) continue;
        if (summary.status === 'running') othersDrive = true;
        if (summary.status !== 'queued' && summary.status !== 'interrupted') continue;
        const skipped = skip.get(summary.runId);
        if (
          skipped !== undefined &&
          (once || (skipped.events === summary.events && Date.now() < skipped.until))
        )
          continue;
        skip.delete(summary.runId);
        if (summary.status === 'queued' && !offers(foldRun(await store.read(summary.runId))?.needs))
          continue;
        start(summary);
        started++;
      }
      if (once && started === 0 && active.size === 0) break;
      // A run driven elsewhere may be left by a dead holder: look again when its lease may lapse.
      // So does a run skipped after a failed drive, to try it again.
      const timeout =
        changes === undefined ? pollMs : othersDrive || skip.size > 0 ? leaseMs : undefined;
      await wake.wait(timeout);
    }
    await Promise.all(active.values());
  } finally {
    watching.abort();
    signal?.removeEventListener('abort', onStop);
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Wakes the worker on a store change; a store that stops following leaves the worker polling. */
async function watch(
  ids: AsyncIterable<string>,
  wake: Wakeup,
  worthALook: (runId: string) => boolean,
): Promise<void> {
  try {
    for await (const id of ids) if (worthALook(id)) wake.notify();
  } catch {
    // the worker looks at list() on its other wake-ups
  }
}

/** A wake-up that is kept when it comes while nobody waits, so no change is missed. */
class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;

  notify(): void {
    this.pending = true;
    this.resolve?.();
  }

  async wait(timeoutMs?: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(resolve, timeoutMs);
      this.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.resolve = undefined;
    this.pending = false;
  }
}
