import { createHash, randomUUID } from 'node:crypto';
import { linkSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { linkExclusive, unlinkIfPresent, writeTemp } from './_atomicFile.js';
import { holderLives } from './_holderLives.js';
import { LeaseLostError } from './errors/LeaseLostError.js';
import type { Lease } from './RunStore.js';

export const LEASE_FILE = 'lease.json';

/** A claim or temporary file older than this was left by a process that died mid-change. */
const LITTER_STALE_MS = 10_000;
const ACQUIRE_ATTEMPTS = 5;

/** What `lease.json` holds. */
interface LeaseRecord {
  readonly owner: string;
  readonly pid: number;
  readonly host: string;
  /** Changes at every renewal: names this version of the lease. */
  readonly token: string;
  readonly acquiredAt: string;
  readonly expiresAt: string;
  /** Process groups of the work going on under the lease (commands), on `host`. */
  readonly work?: readonly number[];
}

interface CurrentLease {
  /** The record's token, or a hash of the content when it is not a lease record. */
  readonly key: string;
  readonly record?: LeaseRecord;
}

interface Clock {
  readonly now: () => number;
}

/** Seams for tests of the protocol's races; the store passes none. */
export interface LeaseTestHooks {
  /** Awaited after reading a lease that may be taken over, before claiming it. */
  readonly beforeClaim?: () => Promise<void>;
}

/*
 * The protocol. `lease.json` is only ever created with link() (which fails when it exists) or
 * replaced with rename(), both from a complete temporary file, so a reader sees a whole lease or
 * none. Every change to an existing lease (take-over, renewal, release) first creates the claim
 * file `lease.json.<key>.claim` with link(), where <key> names the version being changed: of
 * several processes changing the same version, exactly one gets the claim. The claimant then
 * reads `lease.json` again and goes on only if it still holds that version (versions never come
 * back: a renewal makes a new token), so a process acting on what it read earlier cannot undo a
 * newer lease. A claim left by a process that died between its two steps is cleared once its
 * process is gone or it is older than LITTER_STALE_MS.
 *
 * Nothing of the lease is fsynced: it only matters while its holder lives. After the machine
 * crashed, every holder on it is gone, and a lease the disk kept can be taken over as soon as
 * one the disk lost (its process is dead); other processes see a change at once, fsync or not.
 */

/** The lease of each run folder most recently taken in this process: it supersedes older ones. */
const newest = new Map<string, FileLease>();

/** Takes the lease in `dir` for `owner`, or `undefined` when another owner holds a live one. */
export async function acquireFileLease(
  dir: string,
  runId: string,
  owner: string,
  ttlMs: number,
  clock: Clock,
  hooks: LeaseTestHooks = {},
): Promise<Lease | undefined> {
  for (let attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt++) {
    if (attempt > 0) await pause(5 * attempt);
    const current = await readLease(dir);
    const mine = newRecord(owner, ttlMs, clock.now());
    if (current === undefined) {
      if (await linkExclusive(dir, LEASE_FILE, JSON.stringify(mine))) {
        await sweepLitter(dir);
        return new FileLease(dir, runId, mine, ttlMs, clock);
      }
      continue; // created meanwhile: look at it
    }
    if (!canTake(current, owner, clock.now())) return undefined;
    await hooks.beforeClaim?.();
    const taken = await withClaim(dir, current.key, async () => {
      const again = await readLease(dir);
      if (again?.key !== current.key || !canTake(again, owner, clock.now())) return false;
      await replace(dir, mine);
      // What the lost holder left running would go on beside the new holder's work: stop it.
      if (again.record !== undefined) stopWork(again.record);
      return true;
    });
    if (taken === true) {
      await sweepLitter(dir);
      return new FileLease(dir, runId, mine, ttlMs, clock);
    }
    // Someone else is changing this lease right now, or just did: look again.
  }
  return undefined;
}

class FileLease implements Lease {
  private released = false;
  /** A renewal found the lease taken over. */
  private lost = false;

  constructor(
    private readonly dir: string,
    readonly runId: string,
    private record: LeaseRecord,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {
    newest.set(dir, this);
  }

  remainingMs(): number {
    if (this.released || this.lost || newest.get(this.dir) !== this) return 0;
    return Math.max(0, this.expiresAt - this.clock.now());
  }

  get owner(): string {
    return this.record.owner;
  }

  get expiresAt(): number {
    return Date.parse(this.record.expiresAt);
  }

  renew(): Promise<void> {
    return this.serially(() => this.rewrite({}));
  }

  track(groups: readonly number[]): Promise<void> {
    return this.serially(() => this.rewrite({ work: groups }));
  }

  /**
   * One rewrite at a time, in the order asked (the last `track` says what runs now): each takes
   * the token the previous one wrote, so a heartbeat's renewal meeting a spawn's `track` does not
   * read as a lease lost.
   */
  private serially(rewrite: () => Promise<void>): Promise<void> {
    const next = this.rewrites.then(rewrite);
    this.rewrites = next.catch(() => undefined);
    return next;
  }

  private rewrites: Promise<void> = Promise.resolve();

  /** Renews the lease with `changes`; `LeaseLostError` when it is no longer this one's. */
  private async rewrite(changes: Pick<LeaseRecord, 'work'>): Promise<void> {
    const renewed = this.released
      ? undefined
      : await withClaim(this.dir, this.record.token, async () => {
          if ((await readLease(this.dir))?.key !== this.record.token) return undefined;
          const next: LeaseRecord = {
            ...this.record,
            ...changes,
            token: randomUUID(),
            expiresAt: new Date(this.clock.now() + this.ttlMs).toISOString(),
          };
          await replace(this.dir, next);
          return next;
        });
    // No claim: another process is taking the lapsed lease over.
    if (renewed === undefined || renewed === false) {
      if (!this.released) this.lost = true;
      throw new LeaseLostError(this.runId, this.owner);
    }
    this.record = renewed;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (newest.get(this.dir) === this) newest.delete(this.dir);
    // After a rewrite under way, with the token it wrote.
    await this.rewrites;
    try {
      await withClaim(this.dir, this.record.token, async () => {
        if ((await readLease(this.dir))?.key === this.record.token)
          await unlinkIfPresent(join(this.dir, LEASE_FILE));
      });
    } catch (error) {
      // The run was removed under this lease (`FileRunStore.remove`): nothing is left to give back.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

function newRecord(owner: string, ttlMs: number, now: number): LeaseRecord {
  return {
    owner,
    pid: process.pid,
    host: hostname(),
    token: randomUUID(),
    acquiredAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ttlMs).toISOString(),
  };
}

/** Kills the process groups a lost lease's holder left running, when they are on this host. */
function stopWork(record: LeaseRecord): void {
  if (record.host !== hostname()) return;
  for (const group of record.work ?? []) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** Whether a live process holds the lease in `dir` (one that has not lapsed). */
export async function fileLeaseHeld(dir: string, now: number): Promise<boolean> {
  const record = (await readLease(dir))?.record;
  return (
    record !== undefined &&
    Date.parse(record.expiresAt) > now &&
    holderLives(record.host, record.pid)
  );
}

/** A lease may be taken when it lapsed, its process is gone, or it is this process's own. */
function canTake(current: CurrentLease, owner: string, now: number): boolean {
  const record = current.record;
  if (record === undefined) return true; // not a lease: left by hand, or damaged
  if (record.host === hostname() && record.pid === process.pid && record.owner === owner)
    return true;
  return !(Date.parse(record.expiresAt) > now) || !holderLives(record.host, record.pid);
}

async function readLease(dir: string): Promise<CurrentLease | undefined> {
  let raw: string;
  try {
    raw = readFileSync(join(dir, LEASE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const record = parseRecord(raw);
  if (record !== undefined) return { key: record.token, record };
  return { key: `damaged-${createHash('sha256').update(raw).digest('hex').slice(0, 16)}` };
}

function parseRecord(raw: string): LeaseRecord | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LeaseRecord> | null;
    if (
      typeof value?.owner === 'string' &&
      typeof value.pid === 'number' &&
      typeof value.host === 'string' &&
      typeof value.token === 'string' &&
      /^[A-Za-z0-9-]{1,64}$/.test(value.token) &&
      typeof value.acquiredAt === 'string' &&
      typeof value.expiresAt === 'string' &&
      !Number.isNaN(Date.parse(value.expiresAt)) &&
      (value.work === undefined ||
        (Array.isArray(value.work) && value.work.every((g) => Number.isInteger(g) && g > 1)))
    )
      return value as LeaseRecord;
  } catch {
    // not JSON
  }
  return undefined;
}

/**
 * Runs `change` holding the claim on version `key` of the lease; `false` without running it when
 * another process holds that claim.
 */
async function withClaim<T>(
  dir: string,
  key: string,
  change: () => Promise<T>,
): Promise<T | false> {
  const name = `${LEASE_FILE}.${key}.claim`;
  const content = JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() });
  let claimed = await linkExclusive(dir, name, content);
  if (!claimed && (await clearStaleClaim(join(dir, name))))
    claimed = await linkExclusive(dir, name, content);
  if (!claimed) return false;
  try {
    return await change();
  } finally {
    await unlinkIfPresent(join(dir, name));
  }
}

/** Removes a claim (or lock) file whose process died or that is old; true when it did. */
export async function clearStaleClaim(path: string): Promise<boolean> {
  let seen: string;
  try {
    seen = readFileSync(path, 'utf8');
    if (!(await isStale(path, seen))) return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  // Move it aside, then make sure it was the claim judged stale and not a fresh one made since.
  const aside = `${path}.${randomUUID()}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const moved = readFileSync(aside, 'utf8');
  if (moved !== seen) {
    try {
      linkSync(aside, path);
    } catch {
      // a fresh one was made since: it stays
    }
    await unlinkIfPresent(aside);
    return false;
  }
  await unlinkIfPresent(aside);
  return true;
}

async function isStale(path: string, content: string): Promise<boolean> {
  try {
    const { pid, host } = JSON.parse(content) as { pid?: unknown; host?: unknown };
    if (typeof pid === 'number' && typeof host === 'string' && !holderLives(host, pid)) return true;
  } catch {
    // judged by age alone
  }
  return Date.now() - statSync(path).mtimeMs > LITTER_STALE_MS;
}

/** Replaces `lease.json` atomically (not durably: see the protocol above). */
async function replace(dir: string, record: LeaseRecord): Promise<void> {
  const temp = await writeTemp(dir, LEASE_FILE, JSON.stringify(record));
  try {
    renameSync(temp, join(dir, LEASE_FILE));
  } catch (error) {
    await unlinkIfPresent(temp);
    throw error;
  }
}

/** Best effort: removes temporary, claim and set-aside files that dead processes left. */
async function sweepLitter(dir: string): Promise<void> {
  try {
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(`${LEASE_FILE}.`)) continue;
      const path = join(dir, name);
      const { mtimeMs } = statSync(path);
      if (Date.now() - mtimeMs > LITTER_STALE_MS) await unlinkIfPresent(path);
    }
  } catch {
    // litter is harmless; a failure to sweep it is not worth failing the lease
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
