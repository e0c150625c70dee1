import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, reportOf } from './exitCodes.js';

const packages = fileURLToPath(new URL('../..', import.meta.url));
/** Codes no command ever sees: the run server's answers to its own requests. */
const NOT_THROWN_TO_THE_CLI = new Set(['TTA_HTTP']);

/** Every `code = 'TTA_…'` an error class of the packages declares. */
async function declaredCodes(): Promise<Set<string>> {
  const codes = new Set<string>();
  for (const name of await readdir(packages)) {
    const src = join(packages, name, 'src');
    const files = await readdir(src, { recursive: true }).catch(() => [] as string[]);
    for (const file of files) {
      if (!file.endsWith('.ts') || /\.(test|testkit)\.ts$/.test(file)) continue;
      const text = await readFile(join(src, file), 'utf8');
      for (const [, code] of text.matchAll(/readonly code = '(TTA_[A-Z_]+)' as const/g))
        codes.add(code!);
    }
  }
  return codes;
}

describe('EXIT_CODES', () => {
  it('gives every error code of the packages its exit code', async () => {
    const codes = await declaredCodes();
    expect(codes.size).toBeGreaterThan(20);
    const missing = [...codes].filter((c) => !(c in EXIT_CODES) && !NOT_THROWN_TO_THE_CLI.has(c));
    expect(missing).toEqual([]);
  });

  it('reports a system error of the machine state in one line naming the file, exit 1', () => {
    const eisdir = Object.assign(new Error('EISDIR: illegal operation on a directory, read'), {
      code: 'EISDIR',
      path: '/home/me/.hypertool/config.json',
    });
    expect(reportOf(eisdir)).toEqual({
      exitCode: 1,
      message:
        'EISDIR: illegal operation on a directory, read (/home/me/.hypertool/config.json): a folder is where a file should be: move it away',
    });
    expect(reportOf(new TypeError('x is not a function'))).toBeUndefined();
  });
});
