import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packages = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

/** The files `npm pack` would put in the package's tarball, as npm lists them. */
async function packed(dir: string): Promise<Set<string>> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: dir,
    env: { ...process.env, npm_config_loglevel: 'silent' },
  });
  const [report] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  return new Set(report.files.map((f) => f.path));
}

describe.each(['core', 'personas', 'workflows', 'integrations', 'cli'])(
  'the @tta-dev/%s tarball',
  (name) => {
    it('ships its licence and readme, and the sources its source maps point at', async () => {
      const dir = join(packages, name);
      const files = await packed(dir);
      expect(files).toContain('LICENSE');
      expect(files).toContain('README.md');
      const missing: string[] = [];
      for (const file of [...files].filter((f) => f.endsWith('.map'))) {
        const map = JSON.parse(await readFile(join(dir, file), 'utf8')) as { sources: string[] };
        for (const source of map.sources) {
          const shipped = normalize(join(dirname(file), source));
          if (!files.has(shipped)) missing.push(`${file} → ${shipped}`);
        }
      }
      expect(missing).toEqual([]);
    });
  },
);
