import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ignoredFolder } from './ignoredFolder.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-ignored-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ignoredFolder', () => {
  it('makes the folder and its parents with a .gitignore of its own holding *', async () => {
    const dir = join(root, 'a', 'b');
    ignoredFolder(dir, 'run logs');
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe(
      '# tta run logs: never part of a commit\n*\n',
    );
  });

  it('keeps a .gitignore that is there', async () => {
    await writeFile(join(root, '.gitignore'), 'mine\n');
    ignoredFolder(root, 'run logs');
    expect(await readFile(join(root, '.gitignore'), 'utf8')).toBe('mine\n');
  });
});
