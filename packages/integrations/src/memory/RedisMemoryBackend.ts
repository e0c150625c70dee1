import type { MemoryBackend, MemoryEntry } from '@tta-dev/core';
import { redactUrl, scrubUrl } from '@tta-dev/workflows';
import type { Redis, RedisOptions } from 'ioredis';
import { MemoryBackendError } from './MemoryBackendError.js';

export interface RedisMemoryBackendOptions {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
  readonly url: string;
  /**
   * Prefix of every key this backend writes. Default `DEFAULT_REDIS_MEMORY_PREFIX`; in braces it
   * is a Redis Cluster hash tag, so that an entry and the index live on one slot.
   */
  readonly prefix?: string;
  /** Passed to ioredis beside the URL (TLS files, timeouts). */
  readonly redis?: RedisOptions;
}

export const DEFAULT_REDIS_MEMORY_PREFIX = '{tta:memory}:';

/** Keys listed (and values fetched) per round trip. */
const PAGE = 500;

// Removes from the index the keys whose entry has expired, in one atomic step: a key that was set
// again between the read and this script is kept.
const DROP_EXPIRED = `
local removed = 0
for i, key in ipairs(ARGV) do
  if redis.call('EXISTS', KEYS[2] .. key) == 0 then
    removed = removed + redis.call('ZREM', KEYS[1], key)
  end
end
return removed`;

/** What one entry is stored as: short names, since there is one per key. */
interface Stored {
  v?: unknown;
  t: readonly string[];
  c: number;
  x?: number;
  s: number;
}

/**
 * Memory on Redis, shared by every process that points at the same server and prefix. Each entry
 * is a string `<prefix>e:<key>` holding its JSON; an entry with a TTL expires by the server's
 * clock (`PX`: the TTL it was given, counted from when Redis stored it). A sorted set
 * `<prefix>keys` (all scores 0) indexes the keys in byte order, so that `list(prefix)` is a range
 * read (`ZRANGE BYLEX`), never a scan of the whole server; keys whose entry expired are dropped
 * from the index as `list` meets them.
 */
export class RedisMemoryBackend implements MemoryBackend {
  private readonly index: string;
  private readonly entries: string;

  private constructor(
    private readonly client: Redis,
    private readonly url: string,
    prefix: string,
  ) {
    this.index = `${prefix}keys`;
    this.entries = `${prefix}e:`;
  }

  /** Connects (loading ioredis then) and resolves once the server answered. */
  static async open(options: RedisMemoryBackendOptions): Promise<RedisMemoryBackend> {
    const { Redis } = await import('ioredis');
    const client = new Redis(options.url, {
      lazyConnect: true,
      // A command waits for a reconnection this many times, then fails (default: 20).
      maxRetriesPerRequest: 3,
      ...options.redis,
    });
    // Errors reach the callers of each command; ioredis would print unhandled ones. The last one
    // says why a connection failed (a refused password), where connect() says only "closed".
    let lastError: unknown;
    client.on('error', (error: unknown) => {
      lastError = error;
    });
    try {
      await client.connect();
      await client.ping();
    } catch (error) {
      client.disconnect();
      throw failure(options.url, 'cannot connect to', lastError ?? error);
    }
    return new RedisMemoryBackend(
      client,
      options.url,
      options.prefix ?? DEFAULT_REDIS_MEMORY_PREFIX,
    );
  }

  /** The server, its password replaced by `***`. */
  get where(): string {
    return redactUrl(this.url);
  }

  async set(entry: MemoryEntry): Promise<void> {
    const stored: Stored = { v: entry.value, t: entry.tags, c: entry.createdAt, s: entry.seq };
    if (entry.expiresAt !== undefined) stored.x = entry.expiresAt;
    const json = JSON.stringify(stored);
    const tx = this.client.multi();
    if (entry.expiresAt === undefined) tx.set(this.entries + entry.key, json);
    // The TTL as Memory meant it (expiresAt − createdAt), counted by the server's clock, so that
    // machines whose clocks differ agree on when it is gone. At least 1 ms: 0 is an error.
    else
      tx.set(
        this.entries + entry.key,
        json,
        'PX',
        Math.max(1, Math.ceil(entry.expiresAt - entry.createdAt)),
      );
    tx.zadd(this.index, 0, entry.key);
    await this.run('write to', () => tx.exec());
  }

  async get(key: string): Promise<MemoryEntry | undefined> {
    const json = await this.run('read from', () => this.client.get(this.entries + key));
    return json === null ? undefined : entryOf(key, json);
  }

  async delete(key: string): Promise<boolean> {
    const results = await this.run('delete from', () =>
      this.client
        .multi()
        .del(this.entries + key)
        .zrem(this.index, key)
        .exec(),
    );
    return results?.[0]?.[1] === 1;
  }

  async list(prefix: string): Promise<MemoryEntry[]> {
    const found: MemoryEntry[] = [];
    // Every key that starts with `prefix` sorts before prefix + 0xFF, a byte UTF-8 never holds.
    let min: string | Buffer = prefix === '' ? '-' : `[${prefix}`;
    const max: string | Buffer =
      prefix === '' ? '+' : Buffer.concat([Buffer.from(`(${prefix}`), Buffer.from([0xff])]);
    for (;;) {
      const keys = await this.run('list', () =>
        this.client.zrangebylex(this.index, min, max, 'LIMIT', 0, PAGE),
      );
      if (keys.length === 0) break;
      const values = await this.run('read from', () =>
        this.client.mget(keys.map((k) => this.entries + k)),
      );
      const expired: string[] = [];
      keys.forEach((key, i) => {
        const json = values[i];
        if (json === null || json === undefined) expired.push(key);
        else found.push(entryOf(key, json));
      });
      if (expired.length > 0)
        await this.run('clean up', () =>
          this.client.eval(DROP_EXPIRED, 2, this.index, this.entries, ...expired),
        );
      if (keys.length < PAGE) break;
      min = `(${keys[keys.length - 1]}`;
    }
    return found;
  }

  /** Closes the connection (after the commands sent so far are answered). */
  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private async run<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw failure(this.url, `cannot ${what}`, error);
    }
  }
}

function entryOf(key: string, json: string): MemoryEntry {
  const stored = JSON.parse(json) as Stored;
  const entry: MemoryEntry = {
    key,
    value: stored.v,
    tags: stored.t,
    createdAt: stored.c,
    seq: stored.s,
  };
  return stored.x === undefined ? entry : { ...entry, expiresAt: stored.x };
}

/**
 * The error of a failed command, naming the server without its password. The cause is left out:
 * ioredis keeps the command's arguments on its errors, and AUTH's argument is the password.
 */
function failure(url: string, what: string, error: unknown): MemoryBackendError {
  const message = error instanceof Error ? error.message : String(error);
  return new MemoryBackendError(
    `memory on Redis: ${what} ${redactUrl(url)}: ${scrubUrl(message, url)}`,
  );
}
