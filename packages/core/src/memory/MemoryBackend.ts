/** One stored value, with what `Memory` needs to expire, tag and order it. */
export interface MemoryEntry {
  /** Full key, namespace prefix included. */
  readonly key: string;
  readonly value: unknown;
  readonly tags: readonly string[];
  /** Epoch milliseconds when it was added. */
  readonly createdAt: number;
  /** Epoch milliseconds after which it is gone; absent when it never expires. */
  readonly expiresAt?: number;
  /** Insertion order, to order entries added within the same millisecond. */
  readonly seq: number;
}

/**
 * Where `Memory` keeps its entries. The in-memory LRU is the default; other backends (Redis,
 * a database) must pass the same contract suite: `describeMemoryBackend` from `@tta-dev/core/testing`.
 * Expiry is applied by `Memory`, so a backend may keep expired entries until they are deleted.
 */
export interface MemoryBackend {
  set(entry: MemoryEntry): Promise<void>;
  get(key: string): Promise<MemoryEntry | undefined>;
  /** Resolves to whether an entry was there. */
  delete(key: string): Promise<boolean>;
  /** Every entry whose key starts with `prefix`, in any order. */
  list(prefix: string): Promise<MemoryEntry[]>;
}
