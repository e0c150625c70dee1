import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Cache, cache, DEFAULT_CACHE_ENTRIES } from './cache.js';
import { step } from './step.js';
import { createContext, type WorkflowContext } from './WorkflowContext.js';

/** A step that records every input it was called with and returns `f(input)`. */
function counting<I, O>(f: (input: I) => O, name = 'compute') {
  const calls: I[] = [];
  const primitive = step(
    (input: I) => {
      calls.push(input);
      return f(input);
    },
    { name },
  );
  return { primitive, calls };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const run = <I, O>(c: Cache<I, O>, input: I, ctx: WorkflowContext = createContext()) =>
  c.run(input, ctx);

describe('cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is named after the inner primitive unless named', () => {
    const { primitive } = counting((x: string) => x);
    expect(cache(primitive).name).toBe('cache(compute)');
    expect(cache(primitive, { name: 'memo' }).name).toBe('memo');
    expect(cache(primitive).kind).toBe('cache');
  });

  it('misses first, then hits without calling the inner primitive', async () => {
    const { primitive, calls } = counting((x: string) => `${x}!`);
    const c = cache(primitive);
    expect(await run(c, 'a')).toBe('a!');
    expect(await run(c, 'a')).toBe('a!');
    expect(await run(c, 'b')).toBe('b!');
    expect(await run(c, 'a')).toBe('a!');
    expect(calls).toEqual(['a', 'b']);
    expect(c.stats()).toMatchObject({ hits: 2, misses: 2, size: 2, evictions: 0 });
  });

  it('keys non-string inputs by their JSON by default', async () => {
    const { primitive, calls } = counting((x: { id: number }) => x.id * 10);
    const c = cache(primitive);
    expect(await run(c, { id: 1 })).toBe(10);
    expect(await run(c, { id: 1 })).toBe(10); // another object, same JSON
    expect(await run(c, { id: 2 })).toBe(20);
    expect(calls).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('uses a custom key, which receives the input and the context', async () => {
    const { primitive, calls } = counting((x: { id: number; noise: number }) => x.id);
    const seen: [unknown, WorkflowContext][] = [];
    const c = cache(primitive, {
      key: (input, ctx) => {
        seen.push([input, ctx]);
        return `${ctx.persona}:${input.id}`;
      },
    });
    const dev = createContext({ persona: 'dev' });
    const ops = createContext({ persona: 'ops' });
    await run(c, { id: 1, noise: 1 }, dev);
    await run(c, { id: 1, noise: 2 }, dev); // same key: noise is not part of it
    await run(c, { id: 1, noise: 3 }, ops); // other persona: other key
    expect(calls.map((x) => x.noise)).toEqual([1, 3]);
    expect(seen[0]).toEqual([{ id: 1, noise: 1 }, dev]);
    expect(seen[2]![1]).toBe(ops);
  });

  it('evicts the least recently used entry beyond maxEntries; a read refreshes recency', async () => {
    const { primitive, calls } = counting((x: string) => x.toUpperCase());
    const c = cache(primitive, { maxEntries: 2 });
    await run(c, 'a');
    await run(c, 'b');
    await run(c, 'a'); // a is now more recent than b
    await run(c, 'c'); // evicts b
    expect(c.stats()).toMatchObject({ size: 2, evictions: 1 });
    calls.length = 0;
    await run(c, 'a');
    await run(c, 'c');
    expect(calls).toEqual([]); // both still cached
    await run(c, 'b'); // was evicted: miss, and evicts a (least recent of a, c)
    expect(calls).toEqual(['b']);
    await run(c, 'a');
    expect(calls).toEqual(['b', 'a']);
    expect(c.stats().evictions).toBe(3);
  });

  it.each([
    ['without a TTL', undefined],
    ['with a TTL', 10_000],
  ])('evicts in insertion order when nothing is read again (%s)', async (_label, ttlMs) => {
    const { primitive, calls } = counting((x: number) => x);
    const c = cache(primitive, { maxEntries: 3, ...(ttlMs === undefined ? {} : { ttlMs }) });
    for (const x of [1, 2, 3, 4, 5]) await run(c, x);
    calls.length = 0;
    for (const x of [3, 4, 5, 1, 2]) await run(c, x);
    // 3, 4, 5 hit; 1 misses (evicting 3), 2 misses (evicting 4)
    expect(calls).toEqual([1, 2]);
    expect(c.stats().evictions).toBe(4);
  });

  it('uses DEFAULT_CACHE_ENTRIES as the bound by default', async () => {
    const { primitive, calls } = counting((x: number) => x);
    const c = cache(primitive);
    for (let i = 0; i <= DEFAULT_CACHE_ENTRIES; i++) await run(c, i);
    expect(c.stats()).toMatchObject({ size: DEFAULT_CACHE_ENTRIES, evictions: 1 });
    calls.length = 0;
    await run(c, 0);
    expect(calls).toEqual([0]);
  });

  it.each([0, -1, Number.NaN])('rejects maxEntries %d', (maxEntries) => {
    const { primitive } = counting((x: number) => x);
    expect(() => cache(primitive, { maxEntries })).toThrow(RangeError);
  });

  it('expires entries after ttlMs by the injected clock, counting expirations', async () => {
    let now = 1_000;
    const { primitive, calls } = counting((x: string) => `${x}@${now}`);
    const c = cache(primitive, { ttlMs: 100, now: () => now });
    expect(await run(c, 'k')).toBe('k@1000');
    now = 1_099;
    expect(await run(c, 'k')).toBe('k@1000'); // still fresh
    now = 1_100;
    expect(await run(c, 'k')).toBe('k@1100'); // expired exactly at ttl: recomputed
    expect(calls).toEqual(['k', 'k']);
    expect(c.stats()).toMatchObject({ hits: 1, misses: 2, expirations: 1, size: 1 });
    now = 1_150;
    expect(await run(c, 'k')).toBe('k@1100'); // the TTL restarted from the new value
  });

  it('expires entries with fake timers and the default clock', async () => {
    vi.useFakeTimers({ now: 0 });
    const { primitive, calls } = counting((x: string) => x);
    const c = cache(primitive, { ttlMs: 5_000 });
    await run(c, 'a');
    await run(c, 'b');
    vi.advanceTimersByTime(4_999);
    await run(c, 'a');
    expect(calls).toEqual(['a', 'b']);
    vi.advanceTimersByTime(1);
    await run(c, 'a');
    await run(c, 'b');
    expect(calls).toEqual(['a', 'b', 'a', 'b']);
    expect(c.stats().expirations).toBe(2);
  });

  it('runs the inner primitive once for concurrent misses of one key (single flight)', async () => {
    const gate = deferred<string>();
    const calls: string[] = [];
    const c = cache(
      step((x: string) => {
        calls.push(x);
        return gate.promise;
      }),
    );
    const ctx = createContext();
    const pending = [run(c, 'k', ctx), run(c, 'k', ctx), run(c, 'k', ctx), run(c, 'other', ctx)];
    await Promise.resolve();
    expect(calls).toEqual(['k', 'other']);
    gate.resolve('value');
    expect(await Promise.all(pending)).toEqual(['value', 'value', 'value', 'value']);
    expect(calls).toEqual(['k', 'other']);
    // joiners count as hits
    expect(c.stats()).toMatchObject({ hits: 2, misses: 2, size: 2 });
    expect(await run(c, 'k', ctx)).toBe('value');
    expect(calls).toHaveLength(2);
  });

  it('does not cache failures; every waiter of a failed flight gets the same error', async () => {
    const gate = deferred<number>();
    let attempt = 0;
    const c = cache(
      step(() => {
        attempt++;
        return attempt === 1 ? gate.promise : 42;
      }),
    );
    const first = run(c, 'k');
    const second = run(c, 'k');
    const boom = new Error('boom');
    gate.reject(boom);
    await expect(first).rejects.toBe(boom);
    await expect(second).rejects.toBe(boom);
    expect(c.stats().size).toBe(0);
    expect(await run(c, 'k')).toBe(42);
    expect(await run(c, 'k')).toBe(42);
    expect(attempt).toBe(2);
  });

  it('does not cache a synchronous throw of the inner function', async () => {
    let fail = true;
    const c = cache(
      step((x: string) => {
        if (fail) throw new Error('nope');
        return x;
      }),
    );
    await expect(run(c, 'a')).rejects.toThrow('nope');
    fail = false;
    expect(await run(c, 'a')).toBe('a');
  });

  it('reports hitRate as hits / lookups, 0 before the first lookup', async () => {
    const { primitive } = counting((x: string) => x);
    const c = cache(primitive);
    expect(c.stats()).toEqual({
      hits: 0,
      misses: 0,
      evictions: 0,
      expirations: 0,
      hitRate: 0,
      size: 0,
    });
    const expected: [string, number][] = [
      ['a', 0], // miss
      ['a', 1 / 2], // hit
      ['a', 2 / 3], // hit
      ['b', 2 / 4], // miss
      ['b', 3 / 5], // hit
    ];
    for (const [input, hitRate] of expected) {
      await run(c, input);
      expect(c.stats().hitRate).toBeCloseTo(hitRate, 10);
    }
  });

  it('invalidates one key or everything, keeping statistics', async () => {
    const { primitive, calls } = counting((x: string) => x);
    const c = cache(primitive);
    await run(c, 'a');
    await run(c, 'b');
    await run(c, 'a');
    c.invalidate('a');
    expect(c.stats()).toMatchObject({ size: 1, hits: 1, misses: 2 });
    await run(c, 'a');
    await run(c, 'b');
    expect(calls).toEqual(['a', 'b', 'a']);
    c.invalidate();
    expect(c.stats()).toMatchObject({ size: 0, hits: 2, misses: 3 });
    await run(c, 'a');
    await run(c, 'b');
    expect(calls).toEqual(['a', 'b', 'a', 'a', 'b']);
    c.invalidate('never-cached'); // no-op
    expect(c.stats().size).toBe(2);
  });

  it('invalidates with custom keys', async () => {
    const { primitive, calls } = counting((x: { id: string }) => x.id);
    const c = cache(primitive, { key: (x) => `user:${x.id}` });
    await run(c, { id: '1' });
    c.invalidate('1'); // not the key
    await run(c, { id: '1' });
    expect(calls).toHaveLength(1);
    c.invalidate('user:1');
    await run(c, { id: '1' });
    expect(calls).toHaveLength(2);
  });

  it('does not store a result that was in flight when its key was invalidated', async () => {
    const flights: ReturnType<typeof deferred<string>>[] = [];
    const c = cache(
      step(() => {
        const d = deferred<string>();
        flights.push(d);
        return d.promise;
      }),
    );
    const stale = run(c, 'k');
    await Promise.resolve();
    c.invalidate('k');
    const fresh = run(c, 'k'); // must not join the flight that began before the invalidation
    await Promise.resolve();
    expect(flights).toHaveLength(2);
    flights[0]!.resolve('old');
    flights[1]!.resolve('new');
    expect(await stale).toBe('old');
    expect(await fresh).toBe('new');
    expect(await run(c, 'k')).toBe('new');
    expect(flights).toHaveLength(2);
  });

  it('ignores a stale flight that settles after a newer one started', async () => {
    const flights: ReturnType<typeof deferred<string>>[] = [];
    const c = cache(
      step(() => {
        const d = deferred<string>();
        flights.push(d);
        return d.promise;
      }),
    );
    const stale = run(c, 'k');
    await Promise.resolve();
    c.invalidate();
    const fresh = run(c, 'k');
    await Promise.resolve();
    flights[1]!.resolve('new');
    expect(await fresh).toBe('new');
    flights[0]!.reject(new Error('late failure'));
    await expect(stale).rejects.toThrow('late failure');
    // the late failure of the stale flight neither evicts nor disturbs the new value
    expect(await run(c, 'k')).toBe('new');
    expect(flights).toHaveLength(2);
  });
});
