import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { runPersonaCommand } from './personaCommand.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-export-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function exportTo(out: string) {
  const io = captureIo({ env: { TTA_HOME: join(root, 'home') }, cwd: root });
  const code = await runSafely(io, () =>
    runPersonaCommand(['export', '--target', 'claude', '--out', out], io),
  );
  return { code, out: io.out(), err: io.err() };
}

/** One line on stderr, no stack. */
function expectOneLine(err: string, text: RegExp): void {
  expect(err).not.toMatch(/internal error|\n\s+at /);
  expect(err.trimEnd().split('\n')).toHaveLength(1);
  expect(err).toMatch(text);
}

describe('tta-persona export --out where folders cannot be made: exit 2, nothing written', () => {
  it('a path under a regular file (ENOTDIR) names the file', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'mine');
    const ran = await exportTo(join(file, 'x'));
    expect(ran.code).toBe(2);
    expect(ran.out).toBe('');
    expectOneLine(
      ran.err,
      new RegExp(`^tta-persona export: cannot make .* under --out ${file}/x: ${file} is a file`),
    );
    expect(await readdir(root)).toEqual(['a-file']);
  });

  // Linux's /proc says ENOENT to a mkdir in it: Node's recursive mkdir retried that forever.
  it.skipIf(!existsSync('/proc/self'))(
    'a file system that refuses folders (/proc/nope) ends at once',
    async () => {
      const ran = await exportTo('/proc/nope');
      expect(ran.code).toBe(2);
      expectOneLine(
        ran.err,
        /^tta-persona export: cannot make \/proc\/nope\/\.claude\/agents under --out \/proc\/nope: .*\(ENOENT\); choose another --out\n$/,
      );
      expect(existsSync('/proc/nope')).toBe(false);
    },
    30_000,
  );

  it('a folder that can be made is, with its parents', async () => {
    const ran = await exportTo(join(root, 'new', 'deep'));
    expect(ran).toMatchObject({ code: 0, err: '' });
    expect(await readdir(join(root, 'new', 'deep', '.claude', 'agents'))).toContain(
      'tta-frontend-engineer.md',
    );
  });
});
