import type { MemoryBackend, MemoryEntry } from './MemoryBackend.js';

export interface InMemoryBackendOptions {
  /** Entries kept before the least recently used is evicted. Default: `DEFAULT_MAX_MEMORY_ENTRIES`. */
  maxEntries?: number;
}

export const DEFAULT_MAX_MEMORY_ENTRIES = 10_000;

/** The default backend: a bounded map that evicts the least recently used entry. */
export class InMemoryBackend implements MemoryBackend {
  private readonly entries = new Map<string, MemoryEntry>();
  private readonly maxEntries: number;

  constructor(options: InMemoryBackendOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_MEMORY_ENTRIES;
    if (!(this.maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  async set(entry: MemoryEntry): Promise<void> {
    this.entries.delete(entry.key);
    this.entries.set(entry.key, entry);
    if (this.entries.size > this.maxEntries) {
      // Map iterates in insertion order, and reads re-insert: the first key is the least recent.
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  async get(key: string): Promise<MemoryEntry | undefined> {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  async delete(key: string): Promise<boolean> {
    return this.entries.delete(key);
  }

  async list(prefix: string): Promise<MemoryEntry[]> {
    const found: MemoryEntry[] = [];
    for (const entry of this.entries.values()) if (entry.key.startsWith(prefix)) found.push(entry);
    return found;
  }
}
