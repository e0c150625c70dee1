import { Memory } from '@tta-dev/core';
import { describeMemoryBackend } from '@tta-dev/core/testing';
import { type RedisServer, startRedis } from '@tta-dev/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMemoryBackendError } from './MemoryBackendError.js';
import { RedisMemoryBackend } from './RedisMemoryBackend.js';

let server: RedisServer;
let prefixes = 0;
/** A fresh key prefix per backend: each test sees an empty memory on the one server. */
const freshPrefix = () => `{test-${process.pid}-${++prefixes}}:`;

beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
});

describeMemoryBackend(
  'RedisMemoryBackend',
  () => RedisMemoryBackend.open({ url: server.url, prefix: freshPrefix() }),
  (backend) => (backend as RedisMemoryBackend).close(),
);

/** Two backends on one prefix: two machines sharing one memory. */
async function twoMachines(): Promise<[RedisMemoryBackend, RedisMemoryBackend, string]> {
  const prefix = freshPrefix();
  return [
    await RedisMemoryBackend.open({ url: server.url, prefix }),
    await RedisMemoryBackend.open({ url: server.url, prefix }),
    prefix,
  ];
}

describe('RedisMemoryBackend on a real server', () => {
  it("two backends (two machines) see each other's writes, deletes and searches", async () => {
    const [a, b] = await twoMachines();
    try {
      const onA = new Memory({ backend: a }).namespace('run:1');
      const onB = new Memory({ backend: b }).namespace('run:1');
      await onA.add('plan', { steps: ['build', 'ship'] }, { tags: ['planning'] });
      await onB.add('decision', 'ship on Friday', { tags: ['release'] });
      expect(await onB.get('plan')).toEqual({ steps: ['build', 'ship'] });
      expect((await onA.search('friday')).map((h) => h.key)).toEqual(['decision']);
      expect((await onA.search('*')).map((h) => h.key).sort()).toEqual(['decision', 'plan']);
      expect(await onB.delete('plan')).toBe(true);
      expect(await onA.get('plan')).toBeUndefined();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("expires an entry by the server's clock, though the writer's clock stands still", async () => {
    const [a, b, prefix] = await twoMachines();
    const raw = new Redis(server.url);
    try {
      // Memory's own clock never moves: only the server can make the entry go.
      const frozen = new Memory({ backend: a, now: () => 1_000 });
      await frozen.add('short', 'gone soon', { ttlMs: 50 });
      await frozen.add('long', 'stays');
      const keys = (await raw.keys('*')).filter((k) => k.startsWith(prefix));
      const shortKey = keys.find((k) => k.endsWith('e:short'))!;
      const pttl = await raw.pttl(shortKey);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(50);
      expect(await raw.pttl(keys.find((k) => k.endsWith('e:long'))!)).toBe(-1);
      // Wait for the state (the server dropped it), not for a span of time.
      while ((await raw.exists(shortKey)) === 1) await new Promise((r) => setImmediate(r));
      expect(await frozen.get('short')).toBeUndefined();
      expect((await new Memory({ backend: b }).keys()).sort()).toEqual(['long']);
      // The index forgot the expired key as list met it.
      const index = keys.find((k) => k.endsWith('keys'))!;
      expect(await raw.zrange(index, 0, -1)).toEqual(['long']);
    } finally {
      raw.disconnect();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('lists by prefix literally: glob characters and a key set again stay correct', async () => {
    const [a, b] = await twoMachines();
    await b.close();
    try {
      for (const key of ['a*b:1', 'a*b:2', 'axb:1', 'a?[c]:1', 'é:1', 'a*b'])
        await a.set({ key, value: key, tags: [], createdAt: 1, seq: 1 });
      const keysOf = async (prefix: string) => (await a.list(prefix)).map((e) => e.key).sort();
      expect(await keysOf('a*b:')).toEqual(['a*b:1', 'a*b:2']);
      expect(await keysOf('a?[c]:')).toEqual(['a?[c]:1']);
      expect(await keysOf('é')).toEqual(['é:1']);
      expect(await keysOf('')).toHaveLength(6);
    } finally {
      await a.close();
    }
  });

  it('lists more keys than one page holds', async () => {
    const [a, b] = await twoMachines();
    await b.close();
    try {
      await Promise.all(
        Array.from({ length: 1_234 }, (_, i) =>
          a.set({ key: `many:${i}`, value: i, tags: [], createdAt: 1, seq: i }),
        ),
      );
      await a.set({ key: 'other:1', value: 1, tags: [], createdAt: 1, seq: 1 });
      expect(await a.list('many:')).toHaveLength(1_234);
    } finally {
      await a.close();
    }
  });

  it('never shows the password of the URL in an error message', async () => {
    const admin = new Redis(server.url);
    await admin.config('SET', 'requirepass', 'right-horse-battery');
    try {
      const url = server.url.replace('redis://', 'redis://:wrong%2Fsecret-staple@');
      const error = await RedisMemoryBackend.open({ url }).catch((e: unknown) => e);
      expect(isMemoryBackendError(error)).toBe(true);
      const message = (error as Error).message;
      expect(message).toMatch(/WRONGPASS|invalid password/i);
      expect(message).toContain(`redis://:***@127.0.0.1:${server.port}`);
      expect(message).not.toContain('wrong');
      expect(message).not.toContain('secret-staple');
      expect(JSON.stringify(error)).not.toContain('secret');
    } finally {
      await admin.auth('right-horse-battery');
      await admin.config('SET', 'requirepass', '');
      admin.disconnect();
    }
  });

  it('fails clearly when no server answers', async () => {
    const { freePort } = await import('@tta-dev/testkit');
    const url = `redis://:pa55word-xyz@127.0.0.1:${await freePort()}`;
    const error = await RedisMemoryBackend.open({
      url,
      redis: { retryStrategy: () => null },
    }).catch((e: unknown) => e);
    expect(isMemoryBackendError(error)).toBe(true);
    expect((error as Error).message).toMatch(/cannot connect to redis:\/\/:\*\*\*@127\.0\.0\.1/);
    expect((error as Error).message).not.toContain('pa55word');
  });
});
