import { describe, expect, it } from 'vitest';
import { describeMemoryBackend } from '../testing/describeMemoryBackend.js';
import { DEFAULT_MAX_MEMORY_ENTRIES, InMemoryBackend } from './InMemoryBackend.js';
import { Memory } from './Memory.js';
import type { MemoryEntry } from './MemoryBackend.js';

describeMemoryBackend('InMemoryBackend', () => new InMemoryBackend());
describeMemoryBackend(
  'InMemoryBackend (maxEntries: 100)',
  () => new InMemoryBackend({ maxEntries: 100 }),
);

let seq = 0;
const entry = (key: string, value: unknown = key): MemoryEntry => ({
  key,
  value,
  tags: [],
  createdAt: 0,
  seq: ++seq,
});

const keysOf = async (backend: InMemoryBackend) =>
  (await backend.list('')).map((e) => e.key).sort();

describe('InMemoryBackend LRU bound', () => {
  it('evicts the least recently set entry beyond maxEntries', async () => {
    const backend = new InMemoryBackend({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c', 'd']) await backend.set(entry(k));
    expect(backend.size).toBe(3);
    expect(await keysOf(backend)).toEqual(['b', 'c', 'd']);
    await backend.set(entry('e'));
    expect(await keysOf(backend)).toEqual(['c', 'd', 'e']);
  });

  it('a get refreshes recency', async () => {
    const backend = new InMemoryBackend({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) await backend.set(entry(k));
    expect((await backend.get('a'))?.value).toBe('a');
    await backend.set(entry('d')); // evicts b, not a
    expect(await keysOf(backend)).toEqual(['a', 'c', 'd']);
    await backend.get('c');
    await backend.set(entry('e')); // evicts a (d and c were used since)
    expect(await keysOf(backend)).toEqual(['c', 'd', 'e']);
  });

  it('overwriting a key refreshes its recency and does not grow the store', async () => {
    const backend = new InMemoryBackend({ maxEntries: 2 });
    await backend.set(entry('a', 1));
    await backend.set(entry('b'));
    await backend.set(entry('a', 2));
    expect(backend.size).toBe(2);
    await backend.set(entry('c')); // evicts b
    expect(await keysOf(backend)).toEqual(['a', 'c']);
    expect((await backend.get('a'))?.value).toBe(2);
  });

  it('a get of a missing key changes nothing', async () => {
    const backend = new InMemoryBackend({ maxEntries: 2 });
    await backend.set(entry('a'));
    await backend.set(entry('b'));
    expect(await backend.get('zzz')).toBeUndefined();
    await backend.set(entry('c'));
    expect(await keysOf(backend)).toEqual(['b', 'c']);
  });

  it('listing does not refresh recency', async () => {
    const backend = new InMemoryBackend({ maxEntries: 2 });
    await backend.set(entry('a'));
    await backend.set(entry('b'));
    await backend.list('a');
    await backend.set(entry('c'));
    expect(await keysOf(backend)).toEqual(['b', 'c']);
  });

  it('keeps exactly one entry with maxEntries 1', async () => {
    const backend = new InMemoryBackend({ maxEntries: 1 });
    await backend.set(entry('a'));
    await backend.set(entry('b'));
    expect(await keysOf(backend)).toEqual(['b']);
  });

  it(`defaults to ${DEFAULT_MAX_MEMORY_ENTRIES} entries`, async () => {
    const backend = new InMemoryBackend();
    for (let i = 0; i <= DEFAULT_MAX_MEMORY_ENTRIES; i++) await backend.set(entry(`k${i}`));
    expect(backend.size).toBe(DEFAULT_MAX_MEMORY_ENTRIES);
    expect(await backend.get('k0')).toBeUndefined();
    expect(await backend.get('k1')).toBeDefined();
  });

  it.each([0, -5, Number.NaN])('rejects maxEntries %d', (maxEntries) => {
    expect(() => new InMemoryBackend({ maxEntries })).toThrow(RangeError);
  });

  it('bounds a Memory built on it; Memory reads refresh recency', async () => {
    const backend = new InMemoryBackend({ maxEntries: 2 });
    const memory = new Memory({ backend }).namespace('run:1');
    await memory.add('plan', 'p');
    await memory.add('spec', 's');
    expect(await memory.get('plan')).toBe('p');
    await memory.add('notes', 'n');
    expect((await memory.keys()).sort()).toEqual(['notes', 'plan']);
    expect(await memory.has('spec')).toBe(false);
  });
});
