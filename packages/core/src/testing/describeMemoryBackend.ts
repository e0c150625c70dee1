import { describe, expect, it } from 'vitest';
import { Memory } from '../memory/Memory.js';
import type { MemoryBackend, MemoryEntry } from '../memory/MemoryBackend.js';

const entry = (key: string, value: unknown, extra: Partial<MemoryEntry> = {}): MemoryEntry => ({
  key,
  value,
  tags: [],
  createdAt: 1_000,
  seq: 1,
  ...extra,
});

/**
 * The contract every `MemoryBackend` must meet, as a vitest suite. Call it from a test file of
 * the backend with a factory that returns a new, empty backend (and cleans up in `dispose`).
 */
export function describeMemoryBackend(
  name: string,
  create: () => MemoryBackend | Promise<MemoryBackend>,
  dispose?: (backend: MemoryBackend) => void | Promise<void>,
): void {
  const withBackend = (test: (backend: MemoryBackend) => Promise<void>) => async () => {
    const backend = await create();
    try {
      await test(backend);
    } finally {
      await dispose?.(backend);
    }
  };

  describe(`MemoryBackend contract: ${name}`, () => {
    it(
      'returns what was set, JSON values intact',
      withBackend(async (backend) => {
        const value = { nested: { list: [1, 'two', null, true] }, text: 'héllo' };
        await backend.set(entry('a', value, { tags: ['x', 'y'], expiresAt: 5_000 }));
        expect(await backend.get('a')).toEqual(
          entry('a', value, { tags: ['x', 'y'], expiresAt: 5_000 }),
        );
      }),
    );

    it(
      'returns undefined for a key never set',
      withBackend(async (backend) => {
        expect(await backend.get('missing')).toBeUndefined();
      }),
    );

    it(
      'overwrites an entry with the same key',
      withBackend(async (backend) => {
        await backend.set(entry('a', 1));
        await backend.set(entry('a', 2, { seq: 2 }));
        expect((await backend.get('a'))?.value).toBe(2);
        expect(await backend.list('a')).toHaveLength(1);
      }),
    );

    it(
      'deletes, and says whether there was something to delete',
      withBackend(async (backend) => {
        await backend.set(entry('a', 1));
        expect(await backend.delete('a')).toBe(true);
        expect(await backend.delete('a')).toBe(false);
        expect(await backend.get('a')).toBeUndefined();
      }),
    );

    it(
      'lists exactly the entries under a prefix',
      withBackend(async (backend) => {
        await backend.set(entry('run:1:a', 1));
        await backend.set(entry('run:1:b', 2));
        await backend.set(entry('run:2:a', 3));
        const keys = (await backend.list('run:1:')).map((e) => e.key).sort();
        expect(keys).toEqual(['run:1:a', 'run:1:b']);
        expect(await backend.list('nothing:')).toEqual([]);
      }),
    );

    it(
      'keeps every one of many concurrent writes',
      withBackend(async (backend) => {
        await Promise.all(
          Array.from({ length: 50 }, (_, i) => backend.set(entry(`k:${i}`, i, { seq: i }))),
        );
        expect(await backend.list('k:')).toHaveLength(50);
      }),
    );

    it(
      'serves Memory: namespaces, TTL, tags and newest-first search',
      withBackend(async (backend) => {
        let now = 10_000;
        const memory = new Memory({ backend, now: () => now }).namespace('wf');
        await memory.add('contract', { endpoint: '/users' }, { tags: ['api'] });
        now += 1;
        await memory.add('decision', 'use REST', { ttlMs: 100, tags: ['api'] });
        await memory.namespace('other').add('hidden', 'api');
        expect((await memory.search('api')).map((h) => h.key)).toEqual([
          'other:hidden',
          'decision',
          'contract',
        ]);
        now += 100;
        expect(await memory.get('decision')).toBeUndefined();
        expect(await memory.get('contract')).toEqual({ endpoint: '/users' });
        expect(await new Memory({ backend }).namespace('elsewhere').keys()).toEqual([]);
      }),
    );
  });
}
