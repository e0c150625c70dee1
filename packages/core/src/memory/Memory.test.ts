import { afterEach, describe, expect, it, vi } from 'vitest';
import { InMemoryBackend } from './InMemoryBackend.js';
import { DEFAULT_SEARCH_LIMIT, Memory } from './Memory.js';

/** A memory on a manual clock, with its backend for inspection. */
function setup(start = 1_000) {
  const clock = { now: start };
  const backend = new InMemoryBackend();
  const memory = new Memory({ backend, now: () => clock.now });
  return { clock, backend, memory };
}

describe('Memory basics', () => {
  it('stores and returns JSON values; unknown keys are undefined', async () => {
    const { memory } = setup();
    const value = { a: [1, { b: 'c' }], d: null };
    await memory.add('k', value);
    expect(await memory.get('k')).toEqual(value);
    expect(await memory.get('missing')).toBeUndefined();
  });

  it('overwrites a key', async () => {
    const { memory } = setup();
    await memory.add('k', 1);
    await memory.add('k', 2);
    expect(await memory.get('k')).toBe(2);
    expect(await memory.keys()).toEqual(['k']);
  });

  it('has and delete', async () => {
    const { memory } = setup();
    await memory.add('k', 0); // a falsy value is still there
    expect(await memory.has('k')).toBe(true);
    expect(await memory.has('other')).toBe(false);
    expect(await memory.delete('k')).toBe(true);
    expect(await memory.delete('k')).toBe(false);
    expect(await memory.has('k')).toBe(false);
    expect(await memory.get('k')).toBeUndefined();
  });

  it('has() sees a stored undefined value', async () => {
    const { memory } = setup();
    await memory.add('k', undefined);
    expect(await memory.has('k')).toBe(true);
  });

  it('uses a fresh InMemoryBackend by default, one per Memory', async () => {
    const a = new Memory();
    const b = new Memory();
    await a.add('k', 'a');
    expect(await a.get('k')).toBe('a');
    expect(await b.get('k')).toBeUndefined();
  });
});

describe('Memory namespaces', () => {
  it('isolates namespaces from each other and from the root', async () => {
    const { memory } = setup();
    const a = memory.namespace('a');
    const b = memory.namespace('b');
    await a.add('k', 'in a');
    await b.add('k', 'in b');
    await memory.add('k', 'at root');
    expect(await a.get('k')).toBe('in a');
    expect(await b.get('k')).toBe('in b');
    expect(await memory.get('k')).toBe('at root');
    expect(await b.delete('k')).toBe(true);
    expect(await a.get('k')).toBe('in a');
    expect(await memory.namespace('c').keys()).toEqual([]);
  });

  it('does not confuse a namespace with another that starts with its name', async () => {
    const { memory } = setup();
    await memory.namespace('run').add('k', 1);
    await memory.namespace('runner').add('k', 2);
    expect(await memory.namespace('run').keys()).toEqual(['k']);
    expect(await memory.namespace('run').get('k')).toBe(1);
  });

  it("nests: namespace('a:b') is namespace('a').namespace('b')", async () => {
    const { memory } = setup();
    const flat = memory.namespace('a:b');
    const nested = memory.namespace('a').namespace('b');
    expect(flat.prefix).toBe(nested.prefix);
    await flat.add('x', 1);
    await nested.add('y', 2);
    expect(await nested.get('x')).toBe(1);
    expect(await flat.get('y')).toBe(2);
    expect((await flat.keys()).sort()).toEqual(['x', 'y']);
    // and it is visible from the parent as a nested key
    expect(await memory.namespace('a').get('b:x')).toBe(1);
  });

  it('lists nested keys relative to the namespace searched', async () => {
    const { memory } = setup();
    const run = memory.namespace('run:1');
    await run.add('plan', 'p');
    await run.namespace('stage:build').add('log', 'l');
    expect((await run.keys()).sort()).toEqual(['plan', 'stage:build:log']);
    expect(await run.namespace('stage').keys()).toEqual(['build:log']);
    expect((await memory.keys()).sort()).toEqual(['run:1:plan', 'run:1:stage:build:log']);
  });

  it('throws on an empty namespace', () => {
    const { memory } = setup();
    expect(() => memory.namespace('')).toThrow(RangeError);
    expect(() => memory.namespace('a').namespace('')).toThrow(RangeError);
  });

  it('shares the clock with its namespaces', async () => {
    const { memory, clock } = setup();
    const ns = memory.namespace('a').namespace('b');
    await ns.add('k', 1, { ttlMs: 10 });
    clock.now += 10;
    expect(await ns.get('k')).toBeUndefined();
  });
});

describe('Memory TTL', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('forgets a value ttlMs after it was added (injected clock)', async () => {
    const { memory, clock, backend } = setup();
    await memory.add('short', 's', { ttlMs: 100 });
    await memory.add('forever', 'f');
    clock.now += 99;
    expect(await memory.get('short')).toBe('s');
    expect(await memory.has('short')).toBe(true);
    clock.now += 1;
    expect(await memory.get('short')).toBeUndefined();
    expect(await memory.has('short')).toBe(false);
    expect(await memory.get('forever')).toBe('f');
    // the expired entry was removed from the backend, not merely hidden
    expect((await backend.list('')).map((e) => e.key)).toEqual(['forever']);
  });

  it.each([
    ['has', (m: Memory) => m.has('k')],
    ['keys', (m: Memory) => m.keys()],
    ['search', (m: Memory) => m.search('*')],
  ])('%s drops expired entries', async (_label, read) => {
    const { memory, clock, backend } = setup();
    await memory.add('k', 'v', { ttlMs: 5 });
    clock.now += 5;
    const result = await read(memory);
    expect(result === false || (Array.isArray(result) && result.length === 0)).toBe(true);
    expect(backend.size).toBe(0);
  });

  it('re-adding a key restarts its TTL, or removes it', async () => {
    const { memory, clock } = setup();
    await memory.add('k', 1, { ttlMs: 10 });
    clock.now += 8;
    await memory.add('k', 2, { ttlMs: 10 });
    clock.now += 8;
    expect(await memory.get('k')).toBe(2);
    await memory.add('k', 3);
    clock.now += 1_000_000;
    expect(await memory.get('k')).toBe(3);
  });

  it('uses Date.now by default (fake timers)', async () => {
    vi.useFakeTimers({ now: 50_000 });
    const memory = new Memory();
    await memory.add('k', 'v', { ttlMs: 1_000 });
    vi.advanceTimersByTime(999);
    expect(await memory.get('k')).toBe('v');
    vi.advanceTimersByTime(1);
    expect(await memory.get('k')).toBeUndefined();
  });
});

describe('Memory search', () => {
  it('matches keys, tags and values, case-insensitively', async () => {
    const { memory, clock } = setup();
    await memory.add('API-contract', 'v1');
    clock.now++;
    await memory.add('decision', 'we chose GraphQL', { tags: ['Architecture'] });
    clock.now++;
    await memory.add('metrics', { Latency: 120, endpoint: '/Users' });
    clock.now++;
    await memory.add('unrelated', 'nothing here', { tags: ['misc'] });

    const keysFor = async (words: string | string[]) =>
      (await memory.search(words)).map((h) => h.key);
    expect(await keysFor('api')).toEqual(['API-contract']); // key
    expect(await keysFor('ARCHITECTURE')).toEqual(['decision']); // tag
    expect(await keysFor('graphql')).toEqual(['decision']); // string value
    expect(await keysFor('latency')).toEqual(['metrics']); // JSON value: property name
    expect(await keysFor('/users')).toEqual(['metrics']); // JSON value: string inside
    expect(await keysFor('nope')).toEqual([]);
    expect(await keysFor(['graphql', 'api'])).toEqual(['decision', 'API-contract']); // any word
    expect(await keysFor([])).toEqual([]);
  });

  it('returns key (relative), value, tags and createdAt', async () => {
    const { memory } = setup(5_000);
    const ns = memory.namespace('run:7');
    await ns.add('plan', { steps: 3 }, { tags: ['planning'] });
    expect(await ns.search('plan')).toEqual([
      { key: 'plan', value: { steps: 3 }, tags: ['planning'], createdAt: 5_000 },
    ]);
  });

  it('does not match on the namespace prefix itself', async () => {
    const { memory } = setup();
    const ns = memory.namespace('secret-project');
    await ns.add('k', 'v');
    expect(await ns.search('secret')).toEqual([]);
    expect((await memory.search('secret')).map((h) => h.key)).toEqual(['secret-project:k']);
  });

  it('searches only within its namespace', async () => {
    const { memory } = setup();
    await memory.namespace('a').add('k', 'shared word');
    await memory.namespace('b').add('k', 'shared word');
    const hits = await memory.namespace('a').search('shared');
    expect(hits.map((h) => h.key)).toEqual(['k']);
  });

  it("'*' matches every entry", async () => {
    const { memory, clock } = setup();
    for (const k of ['x', 'y', 'z']) {
      await memory.add(k, 1);
      clock.now++;
    }
    expect((await memory.search('*')).map((h) => h.key)).toEqual(['z', 'y', 'x']);
    expect((await memory.search(['nothing', '*'])).map((h) => h.key)).toEqual(['z', 'y', 'x']);
  });

  it('orders newest first, ties broken by insertion (later first)', async () => {
    const { memory, clock } = setup();
    await memory.add('old', 'item');
    clock.now = 2_000;
    await memory.add('t1', 'item');
    await memory.add('t2', 'item');
    await memory.add('t3', 'item');
    clock.now = 1_500; // a clock that went back: createdAt still decides
    await memory.add('middle', 'item');
    expect((await memory.search('item')).map((h) => h.key)).toEqual([
      't3',
      't2',
      't1',
      'middle',
      'old',
    ]);
  });

  it('orders a re-added key by its new time', async () => {
    const { memory, clock } = setup();
    await memory.add('a', 'item');
    clock.now++;
    await memory.add('b', 'item');
    clock.now++;
    await memory.add('a', 'item again');
    expect((await memory.search('item')).map((h) => h.key)).toEqual(['a', 'b']);
  });

  it.each([
    [undefined, DEFAULT_SEARCH_LIMIT],
    [3, 3],
    [1, 1],
    [0, 0],
    [100, 15],
  ])('limit %s returns %i of 15 hits, the newest', async (limit, count) => {
    const { memory, clock } = setup();
    for (let i = 0; i < 15; i++) {
      await memory.add(`k${i}`, 'hit');
      clock.now++;
    }
    const hits = await memory.search('hit', limit === undefined ? {} : { limit });
    expect(hits.map((h) => h.key)).toEqual(Array.from({ length: count }, (_, i) => `k${14 - i}`));
  });
});
