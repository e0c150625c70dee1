import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRunStoreConfigError } from './errors/RunStoreConfigError.js';
import { FileRunStore } from './FileRunStore.js';
import { openRunStore } from './openRunStore.js';
import { PostgresRunStore } from './postgres/PostgresRunStore.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'tta-open-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const projectFile = async (content: unknown) => {
  await mkdir(join(cwd, '.tta'), { recursive: true });
  await writeFile(join(cwd, '.tta', 'project.json'), JSON.stringify(content));
};

describe('openRunStore', () => {
  it('opens the file store when nothing is set, or file:', () => {
    expect(openRunStore({ cwd, env: {} })).toBeInstanceOf(FileRunStore);
    const store = openRunStore({ cwd, env: { TTA_RUN_STORE: 'file:' } });
    expect((store as FileRunStore).root).toBe(join(cwd, '.tta', 'runs'));
    const elsewhere = openRunStore({ cwd, env: { TTA_RUN_STORE: 'file:var/runs' } });
    expect((elsewhere as FileRunStore).root).toBe(join(cwd, 'var', 'runs'));
  });

  it('opens PostgreSQL for a postgres:// or postgresql:// URL, without connecting', async () => {
    for (const url of [
      'postgres://tta:pw@db.example:5432/runs',
      'postgresql://db/runs?schema=team',
    ]) {
      const store = openRunStore({ cwd, env: { TTA_RUN_STORE: url } });
      expect(store).toBeInstanceOf(PostgresRunStore);
      expect((store as PostgresRunStore).url).not.toContain(':pw@');
      await store.close();
    }
    expect(
      (
        openRunStore({
          cwd,
          env: { TTA_RUN_STORE: 'postgresql://db/runs?schema=team' },
        }) as PostgresRunStore
      ).schema,
    ).toBe('team');
  });

  it('reads runStore from .tta/project.json; TTA_RUN_STORE wins over it', async () => {
    await projectFile({ runStore: 'postgres://db/runs' });
    expect(openRunStore({ cwd, env: {} })).toBeInstanceOf(PostgresRunStore);
    expect(openRunStore({ cwd, env: { TTA_RUN_STORE: 'file:' } })).toBeInstanceOf(FileRunStore);
  });

  it('refuses anything else, naming the variable or the file and field, never the password', async () => {
    const attempt = (env: Record<string, string>) => {
      try {
        openRunStore({ cwd, env });
      } catch (error) {
        return error as Error;
      }
      throw new Error('no error');
    };
    const bad = attempt({ TTA_RUN_STORE: 'mysql://root:hunter2@db/runs' });
    expect(bad).toSatisfy(isRunStoreConfigError);
    expect(bad.message).toMatch(/^TTA_RUN_STORE: .*not a run store/);
    expect(bad.message).not.toContain('hunter2');
    expect(attempt({ TTA_RUN_STORE: 'postgres://u:hunter2@db/x?schema=a;drop' }).message).toMatch(
      /^TTA_RUN_STORE: schema "a;drop"/,
    );
    await projectFile({ runStore: 42 });
    const fromFile = attempt({});
    expect(fromFile).toSatisfy(isRunStoreConfigError);
    expect(fromFile.message).toContain(
      `${join(cwd, '.tta', 'project.json')}: runStore: must be a string`,
    );
  });
});
