import { checkRunId, followAfter, leaseArguments, prepareEvent } from './_prepareEvent.js';
import { Wakeup } from './_Wakeup.js';
import { LeaseLostError } from './errors/LeaseLostError.js';
import type { RunEvent, RunEventInput } from './RunEvent.js';
import type {
  ChangesOptions,
  FollowOptions,
  Lease,
  LeaseOptions,
  ListOptions,
  RunStore,
  RunStoreCallOptions,
  RunStoreOptions,
} from './RunStore.js';
import { compareRunSummaries, listedRun, listedWith, type RunSummary } from './RunSummary.js';

interface HeldLease {
  readonly owner: string;
  expiresAt: number;
}

/**
 * A `RunStore` that keeps everything in this process: for tests, and for runs that need no
 * durability. Events are copied in and out, so callers cannot change what was stored.
 */
export class InMemoryRunStore implements RunStore {
  private readonly runs = new Map<string, RunEvent[]>();
  private readonly leases = new Map<string, HeldLease>();
  private readonly now: () => number;
  private readonly secrets: readonly string[];
  /** Told of each run appended to: the followers and change readers of this store. */
  private readonly listeners = new Set<(runId: string) => void>();

  constructor(options: RunStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.secrets = [...(options.secrets ?? [])];
  }

  async append(
    runId: string,
    event: RunEventInput,
    options: RunStoreCallOptions = {},
  ): Promise<RunEvent> {
    options.signal?.throwIfAborted();
    checkRunId(runId);
    const events = this.runs.get(runId) ?? [];
    const stored = prepareEvent(runId, event, events.length + 1, this.now(), this.secrets);
    events.push(structuredClone(stored));
    this.runs.set(runId, events);
    for (const listener of [...this.listeners]) listener(runId);
    return stored;
  }

  async read(runId: string, options: RunStoreCallOptions = {}): Promise<RunEvent[]> {
    options.signal?.throwIfAborted();
    checkRunId(runId);
    return structuredClone(this.runs.get(runId) ?? []);
  }

  async list(options: ListOptions = {}): Promise<RunSummary[]> {
    options.signal?.throwIfAborted();
    const wanted = listedWith(options);
    const summaries: RunSummary[] = [];
    for (const runId of this.runs.keys()) {
      const summary = await this.summary(runId);
      if (summary !== undefined && wanted(summary)) summaries.push(summary);
    }
    return summaries.sort(compareRunSummaries);
  }

  async summary(runId: string, options: RunStoreCallOptions = {}): Promise<RunSummary | undefined> {
    options.signal?.throwIfAborted();
    return listedRun(
      runId,
      () => this.read(runId),
      async () => (this.leases.get(runId)?.expiresAt ?? 0) > this.now(),
    );
  }

  async remove(runId: string, options: RunStoreCallOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    checkRunId(runId);
    this.runs.delete(runId);
    this.leases.delete(runId);
    for (const listener of [...this.listeners]) listener(runId);
  }

  async *follow(runId: string, options: FollowOptions = {}): AsyncGenerator<RunEvent, void> {
    checkRunId(runId);
    const after = followAfter(options);
    const wakeup = new Wakeup(options.signal);
    const listener = (id: string) => id === runId && wakeup.raise();
    this.listeners.add(listener);
    try {
      let last = after === 'end' ? (this.runs.get(runId)?.length ?? 0) : after;
      for (await wakeup.wait(); !wakeup.over; await wakeup.wait())
        for (const event of (this.runs.get(runId) ?? []).slice(last)) {
          yield structuredClone(event);
          last = event.seq;
          if (wakeup.over) return;
        }
    } finally {
      this.listeners.delete(listener);
      wakeup.end();
    }
  }

  async *changes(options: ChangesOptions = {}): AsyncGenerator<string, void> {
    const wakeup = new Wakeup(options.signal);
    const pending = new Set<string>();
    const listener = (id: string) => {
      pending.add(id);
      wakeup.raise();
    };
    this.listeners.add(listener);
    options.onReady?.();
    try {
      for (await wakeup.wait(); !wakeup.over; await wakeup.wait())
        while (pending.size > 0 && !wakeup.over) {
          const id = pending.values().next().value!;
          pending.delete(id);
          yield id;
        }
    } finally {
      this.listeners.delete(listener);
      wakeup.end();
    }
  }

  async lease(
    runId: string,
    owner: string,
    options: LeaseOptions = {},
  ): Promise<Lease | undefined> {
    const ttlMs = leaseArguments(runId, owner, options);
    const held = this.leases.get(runId);
    if (held !== undefined && held.expiresAt > this.now() && held.owner !== owner) return undefined;
    const mine: HeldLease = { owner, expiresAt: this.now() + ttlMs };
    this.leases.set(runId, mine);
    const leases = this.leases;
    const now = this.now;
    return {
      runId,
      owner,
      get expiresAt() {
        return mine.expiresAt;
      },
      remainingMs() {
        return leases.get(runId) === mine ? Math.max(0, mine.expiresAt - now()) : 0;
      },
      async renew() {
        if (leases.get(runId) !== mine) throw new LeaseLostError(runId, owner);
        mine.expiresAt = now() + ttlMs;
      },
      async release() {
        if (leases.get(runId) === mine) leases.delete(runId);
      },
    };
  }
}
