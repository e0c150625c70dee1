import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'bin', 'tta.js');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-loaded-'));
  // A loader hook that writes down every module the process loads.
  await writeFile(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.TTA_LOADED_FILE, url + '\\n');
  return next(url, context);
}`,
  );
  await writeFile(
    join(dir, 'register.mjs'),
    `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);`,
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The modules `tta <args>` loads, as URLs. */
async function loadedBy(args: string[]): Promise<string[]> {
  const file = join(dir, `${args.join('-')}.txt`);
  const result = spawnSync(
    process.execPath,
    ['--import', pathToFileURL(join(dir, 'register.mjs')).href, BIN, ...args],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, TTA_LOADED_FILE: file, TTA_HOME: dir } },
  );
  expect(result.status, result.stderr).toBe(0);
  return (await readFile(file, 'utf8')).trim().split('\n');
}

describe('commands that only read or change a run load no engine', () => {
  it.each([[['workflow', 'status']], [['workflow', 'prune', '--older-than', '30d', '--dry-run']]])(
    'tta %j',
    async (args) => {
      const loaded = await loadedBy(args);
      expect(loaded.some((url) => url.includes('/workflows/dist/runs/'))).toBe(true);
      const heavy = loaded.filter(
        (url) =>
          url.includes('/integrations/') ||
          url.includes('@modelcontextprotocol') ||
          url.includes('/workflows/dist/engine/WorkflowEngine.js') ||
          url.includes('/workflows/dist/index.js') ||
          url.includes('/personas/dist/index.js'),
      );
      expect(heavy).toEqual([]);
    },
  );
});
