import { execFileSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startPostgres } from './startPostgres.js';
import { startRedis } from './startRedis.js';

/** Sends `request` and resolves with the first chunk answered. */
function ask(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write(request));
    socket.once('data', (data) => {
      resolve(data.toString('utf8'));
      socket.end();
    });
    socket.once('error', reject);
  });
}

describe('real servers on loopback', () => {
  it('starts PostgreSQL, answers a query in a database it created, and removes it all on stop', async () => {
    const pg = await startPostgres();
    try {
      const url = await pg.createDatabase('runs');
      expect(url).toBe(`postgres://tta@127.0.0.1:${pg.port}/runs`);
      const psql = execFileSync('psql', [url, '-At', '-c', 'select 40 + 2'], { encoding: 'utf8' });
      expect(psql.trim()).toBe('42');
    } finally {
      await pg.stop();
    }
    await expect(ask(pg.port, 'x')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('starts Redis and answers PING', async () => {
    const redis = await startRedis();
    try {
      expect(await ask(redis.port, 'PING\r\n')).toBe('+PONG\r\n');
    } finally {
      await redis.stop();
    }
  });
});
