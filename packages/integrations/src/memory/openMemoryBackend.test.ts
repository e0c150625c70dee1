import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryBackend, Memory } from '@tta-dev/core';
import { startPostgres, startRedis } from '@tta-dev/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { isInvalidMemoryConfigError } from './InvalidMemoryConfigError.js';
import { memorySettingOf, openMemoryBackend } from './openMemoryBackend.js';
import { PostgresMemoryBackend } from './PostgresMemoryBackend.js';
import { RedisMemoryBackend } from './RedisMemoryBackend.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A project folder whose .tta/project.json holds `project` (none when undefined). */
function project(projectJson?: string): string {
  const cwd = mkdtempSync(join(tmpdir(), 'tta-memory-config-'));
  folders.push(cwd);
  if (projectJson !== undefined) {
    mkdirSync(join(cwd, '.tta'));
    writeFileSync(join(cwd, '.tta', 'project.json'), projectJson);
  }
  return cwd;
}

const errorOf = (run: () => unknown): Error => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('it did not throw');
};

describe('memorySettingOf', () => {
  it('is the in-process memory when nothing is set, or "memory"', () => {
    expect(memorySettingOf({ cwd: project(), env: {} }).kind).toBe('memory');
    expect(memorySettingOf({ cwd: project('{"commands":{}}'), env: {} }).kind).toBe('memory');
    expect(memorySettingOf({ cwd: project(), env: { TTA_MEMORY: 'memory' } }).kind).toBe('memory');
    expect(memorySettingOf({ cwd: project(), env: { TTA_MEMORY: '' } }).kind).toBe('memory');
  });

  it.each([
    ['redis://h:6379', 'redis'],
    ['rediss://u:p@h:6380/2', 'redis'],
    ['postgres://u@h/db', 'postgres'],
    ['postgresql://u:p@h:5432/db?sslmode=require', 'postgres'],
  ])('%s is %s', (url, kind) => {
    expect(memorySettingOf({ cwd: project(), env: { TTA_MEMORY: url } })).toMatchObject({
      kind,
      url,
      source: 'TTA_MEMORY',
    });
  });

  it('takes the project file field, and TTA_MEMORY over it; shows URLs without passwords', () => {
    const cwd = project('{"memory":"postgres://team:hunter2@db.internal/tta"}');
    expect(memorySettingOf({ cwd, env: {} })).toMatchObject({
      kind: 'postgres',
      where: 'postgres://team:***@db.internal/tta',
      source: `${join(cwd, '.tta', 'project.json')}: field "memory"`,
    });
    expect(memorySettingOf({ cwd, env: { TTA_MEMORY: 'redis://r' } }).kind).toBe('redis');
  });

  it('refuses anything else, naming the variable or the file and field, never a password', () => {
    const fromEnv = errorOf(() =>
      memorySettingOf({ cwd: project(), env: { TTA_MEMORY: 'mysql://me:hunter2@db/x' } }),
    );
    expect(isInvalidMemoryConfigError(fromEnv)).toBe(true);
    expect(fromEnv.message).toMatch(/^TTA_MEMORY: mysql:\/\/me:\*\*\*@db\/x names no memory/);
    expect(fromEnv.message).toContain('redis://');
    expect(fromEnv.message).not.toContain('hunter2');
    const word = errorOf(() => memorySettingOf({ cwd: project(), env: { TTA_MEMORY: 'redis' } }));
    expect(word.message).toMatch(/^TTA_MEMORY: "redis" names no memory/);
    const cwd = project('{"memory": 42}');
    const field = errorOf(() => memorySettingOf({ cwd, env: {} }));
    expect(isInvalidMemoryConfigError(field)).toBe(true);
    expect(field.message).toMatch(/project\.json: field "memory": must be a string/);
    const broken = errorOf(() => memorySettingOf({ cwd: project('{nope'), env: {} }));
    expect(broken.message).toMatch(/project\.json: not valid JSON/);
    // A PostgreSQL URL is read as the run store reads its own: ?schema= a plain SQL name.
    const schema = errorOf(() =>
      memorySettingOf({
        cwd: project(),
        env: { TTA_MEMORY: 'postgres://me:hunter2@db/x?schema=a;drop' },
      }),
    );
    expect(isInvalidMemoryConfigError(schema)).toBe(true);
    expect(schema.message).toMatch(/^TTA_MEMORY: schema "a;drop" is not a plain SQL name/);
    expect(schema.message).not.toContain('hunter2');
  });
});

describe('openMemoryBackend', () => {
  it('opens the in-process memory by default', async () => {
    const opened = await openMemoryBackend({ cwd: project(), env: {} });
    expect(opened.backend).toBeInstanceOf(InMemoryBackend);
    await opened.close();
  });

  it('opens Redis and PostgreSQL by their URLs: real servers', async () => {
    const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    try {
      const onRedis = await openMemoryBackend({ cwd: project(), env: { TTA_MEMORY: redis.url } });
      const url = await postgres.createDatabase('configured');
      const onPostgres = await openMemoryBackend({
        cwd: project(JSON.stringify({ memory: url.replace('postgres:', 'postgresql:') })),
        env: {},
      });
      try {
        expect(onRedis.backend).toBeInstanceOf(RedisMemoryBackend);
        expect(onPostgres.backend).toBeInstanceOf(PostgresMemoryBackend);
        for (const { backend } of [onRedis, onPostgres]) {
          await new Memory({ backend }).add('k', 'v');
          expect(await new Memory({ backend }).get('k')).toBe('v');
        }
      } finally {
        await Promise.all([onRedis.close(), onPostgres.close()]);
      }
    } finally {
      await Promise.all([redis.stop(), postgres.stop()]);
    }
  });
});
