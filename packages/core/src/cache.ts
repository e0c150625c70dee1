import { instruments } from './instrumentation.js';
import { BasePrimitive, type Primitive } from './Primitive.js';
import type { WorkflowContext } from './WorkflowContext.js';

export interface CacheOptions<I> {
  /** Cache key of an input. Default: the input itself when it is a string, else its JSON. */
  key?: (input: I, ctx: WorkflowContext) => string;
  /** How long a result stays fresh, in ms. Default: forever. */
  ttlMs?: number;
  /** Results kept before the least recently used is evicted. Default: `DEFAULT_CACHE_ENTRIES`. */
  maxEntries?: number;
  /** Clock for TTLs. Default: `Date.now`. */
  now?: () => number;
  /** Default: `cache(<inner name>)`. */
  name?: string;
}

export const DEFAULT_CACHE_ENTRIES = 1000;

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
  readonly expirations: number;
  /** hits / (hits + misses), 0 before the first lookup. */
  readonly hitRate: number;
  readonly size: number;
}

interface Entry<O> {
  readonly value: O;
  readonly expiresAt: number;
}

const defaultKey = (input: unknown): string =>
  typeof input === 'string' ? input : JSON.stringify(input);

/**
 * Remembers the inner primitive's results by key, least recently used first out, each for
 * `ttlMs`. Concurrent misses for one key share a single inner run; failures are not cached.
 */
export class Cache<I, O> extends BasePrimitive<I, O> {
  readonly kind = 'cache' as const;
  private readonly entries = new Map<string, Entry<O>>();
  private readonly inFlight = new Map<string, Promise<O>>();
  private readonly keyOf: (input: I, ctx: WorkflowContext) => string;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private counts = { hits: 0, misses: 0, evictions: 0, expirations: 0 };

  constructor(
    private readonly inner: Primitive<I, O>,
    options: CacheOptions<I> = {},
  ) {
    super(options.name ?? `cache(${inner.name})`);
    this.keyOf = options.key ?? defaultKey;
    this.ttlMs = options.ttlMs ?? Number.POSITIVE_INFINITY;
    this.maxEntries = options.maxEntries ?? DEFAULT_CACHE_ENTRIES;
    this.now = options.now ?? Date.now;
    if (!(this.maxEntries >= 1)) throw new RangeError('cache maxEntries must be at least 1');
  }

  protected execute(input: I, ctx: WorkflowContext): Promise<O> {
    const key = this.keyOf(input, ctx);
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      if (entry.expiresAt > this.now()) {
        this.entries.set(key, entry);
        this.lookup('hit');
        return Promise.resolve(entry.value);
      }
      this.counts.expirations++;
    }
    const pending = this.inFlight.get(key);
    if (pending !== undefined) {
      this.lookup('hit');
      return pending;
    }
    this.lookup('miss');
    // A flight that `invalidate` dropped meanwhile must neither store nor end a newer flight.
    const current = () => this.inFlight.get(key) === run;
    const run = this.inner.run(input, ctx).then(
      (value) => {
        if (current()) {
          this.inFlight.delete(key);
          this.store(key, value);
        }
        return value;
      },
      (error: unknown) => {
        if (current()) this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, run);
    return run;
  }

  stats(): CacheStats {
    const lookups = this.counts.hits + this.counts.misses;
    return {
      ...this.counts,
      hitRate: lookups === 0 ? 0 : this.counts.hits / lookups,
      size: this.entries.size,
    };
  }

  /** Forgets one key, or everything (runs in flight included); statistics are kept. */
  invalidate(key?: string): void {
    if (key === undefined) {
      this.entries.clear();
      this.inFlight.clear();
    } else {
      this.entries.delete(key);
      this.inFlight.delete(key);
    }
  }

  private store(key: string, value: O): void {
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
      this.counts.evictions++;
    }
  }

  private lookup(result: 'hit' | 'miss'): void {
    if (result === 'hit') this.counts.hits++;
    else this.counts.misses++;
    instruments()?.cacheLookups.add(1, {
      'tta.primitive.name': this.name,
      'tta.cache.result': result,
    });
  }
}

/** Caches the inner primitive's results; see `CacheOptions` for keys, TTL and size. */
export function cache<I, O>(inner: Primitive<I, O>, options?: CacheOptions<I>): Cache<I, O> {
  return new Cache(inner, options);
}
