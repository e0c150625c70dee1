import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realPathOf } from './realPathOf.js';

describe('realPathOf', () => {
  let root: string;
  beforeAll(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'tta-realpath-')));
    await mkdir(join(root, 'a/deep/er'), { recursive: true });
    await mkdir(join(root, 'secrets'));
    await writeFile(join(root, 'secrets/key'), 'k');
    await symlink('../secrets', join(root, 'a/to-secrets'));
    await symlink(join(root, 'a/deep/er'), join(root, 'a/to-er'));
    await symlink('../../missing/new.txt', join(root, 'a/deep/dangling'));
    await symlink('loop2', join(root, 'a/loop1'));
    await symlink('loop1', join(root, 'a/loop2'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it.each([
    ['an existing file', 'secrets/key', 'secrets/key'],
    ['a missing file in an existing folder', 'a/new.txt', 'a/new.txt'],
    ['a missing file in missing folders', 'a/x/y/z.txt', 'a/x/y/z.txt'],
    ['through a folder link', 'a/to-secrets/key', 'secrets/key'],
    ['a new file under a folder link', 'a/to-secrets/new', 'secrets/new'],
    ['a dangling link, to where it would create', 'a/deep/dangling', 'missing/new.txt'],
    ['.. after a link, physically', 'a/to-er/../../to-secrets/key', 'secrets/key'],
  ])('follows %s', (_, path, expected) => {
    expect(realPathOf(`${root}/${path}`)).toBe(join(root, expected));
  });

  it('stops at a loop of links instead of recursing forever', () => {
    expect(realPathOf(`${root}/a/loop1`).startsWith(join(root, 'a'))).toBe(true);
  });
});
