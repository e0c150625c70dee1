import { InMemoryBackend } from './InMemoryBackend.js';
import type { MemoryBackend, MemoryEntry } from './MemoryBackend.js';

export interface MemoryAddOptions {
  /** Forget the value after this many milliseconds. Default: never. */
  ttlMs?: number;
  /** Words that `search` matches besides the key and the value. */
  tags?: readonly string[];
}

export interface MemorySearchOptions {
  /** Most results returned. Default: `DEFAULT_SEARCH_LIMIT`. */
  limit?: number;
}

/** A search hit: the key relative to the memory it was searched in. */
export interface MemoryHit {
  readonly key: string;
  readonly value: unknown;
  readonly tags: readonly string[];
  readonly createdAt: number;
}

export interface MemoryOptions {
  /** Default: a new `InMemoryBackend`. */
  backend?: MemoryBackend;
  /** Clock used for TTLs and ordering. Default: `Date.now`. */
  now?: () => number;
}

export const DEFAULT_SEARCH_LIMIT = 10;
const SEPARATOR = ':';

let seq = 0;

/**
 * Namespaced key/value memory that personas and stages share. Values should be JSON-compatible
 * so that every backend can keep them.
 */
export class Memory {
  private readonly backend: MemoryBackend;
  private readonly now: () => number;

  constructor(
    options: MemoryOptions = {},
    /** Key prefix of this namespace, `''` at the root. */
    readonly prefix = '',
  ) {
    this.backend = options.backend ?? new InMemoryBackend();
    this.now = options.now ?? Date.now;
  }

  /**
   * A view of this memory whose keys all live under `ns`. Namespaces nest: `namespace('a:b')`
   * and `namespace('a').namespace('b')` are the same place.
   */
  namespace(ns: string): Memory {
    if (ns === '') throw new RangeError('a memory namespace must not be empty');
    return new Memory({ backend: this.backend, now: this.now }, `${this.prefix}${ns}${SEPARATOR}`);
  }

  async add(key: string, value: unknown, options: MemoryAddOptions = {}): Promise<void> {
    const createdAt = this.now();
    const entry: MemoryEntry =
      options.ttlMs === undefined
        ? { key: this.prefix + key, value, tags: options.tags ?? [], createdAt, seq: ++seq }
        : {
            key: this.prefix + key,
            value,
            tags: options.tags ?? [],
            createdAt,
            expiresAt: createdAt + options.ttlMs,
            seq: ++seq,
          };
    await this.backend.set(entry);
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const entry = await this.live(await this.backend.get(this.prefix + key));
    return entry?.value as T | undefined;
  }

  async has(key: string): Promise<boolean> {
    return (await this.live(await this.backend.get(this.prefix + key))) !== undefined;
  }

  async delete(key: string): Promise<boolean> {
    return this.backend.delete(this.prefix + key);
  }

  /** Every live key of this namespace (nested namespaces included), relative to it. */
  async keys(): Promise<string[]> {
    return (await this.liveEntries()).map((e) => e.key.slice(this.prefix.length));
  }

  /**
   * Entries whose key, tags or value contain any of the keywords (case-insensitive), newest
   * first. The keyword `*` matches everything.
   */
  async search(
    keywords: string | readonly string[],
    options: MemorySearchOptions = {},
  ): Promise<MemoryHit[]> {
    const words = (typeof keywords === 'string' ? [keywords] : keywords).map((k) =>
      k.toLowerCase(),
    );
    const everything = words.includes('*');
    const hits = (await this.liveEntries()).filter(
      (entry) => everything || words.some((word) => haystack(entry, this.prefix).includes(word)),
    );
    hits.sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
    return hits.slice(0, options.limit ?? DEFAULT_SEARCH_LIMIT).map((e) => ({
      key: e.key.slice(this.prefix.length),
      value: e.value,
      tags: e.tags,
      createdAt: e.createdAt,
    }));
  }

  private async liveEntries(): Promise<MemoryEntry[]> {
    const entries = await this.backend.list(this.prefix);
    const now = this.now();
    const live: MemoryEntry[] = [];
    for (const entry of entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now)
        await this.backend.delete(entry.key);
      else live.push(entry);
    }
    return live;
  }

  private async live(entry: MemoryEntry | undefined): Promise<MemoryEntry | undefined> {
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      await this.backend.delete(entry.key);
      return undefined;
    }
    return entry;
  }
}

function haystack(entry: MemoryEntry, prefix: string): string {
  const value = typeof entry.value === 'string' ? entry.value : (JSON.stringify(entry.value) ?? '');
  return `${entry.key.slice(prefix.length)}\n${entry.tags.join('\n')}\n${value}`.toLowerCase();
}
