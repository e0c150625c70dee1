import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built bins, run as a user runs them (the package's test task builds first).
const bin = (name: string) => fileURLToPath(new URL(`../../dist/bin/${name}.js`, import.meta.url));
let home: string;

function run(
  name: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin(name), ...args],
      { env: { ...process.env, TTA_HOME: home, NO_COLOR: '' } },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'tta-bin-'));
});
afterAll(() => rm(home, { recursive: true, force: true }));

describe('the tta and tta-persona bins', () => {
  it('switch, and report the switch on stdout with exit code 0', async () => {
    const switched = await run('tta-persona', ['frontend']);
    expect(switched).toMatchObject({ code: 0, stderr: '' });
    expect(switched.stdout).toContain('tta-frontend-engineer');
    expect(await run('tta', ['persona', 'current'])).toMatchObject({
      code: 0,
      stdout: '🎨 Frontend Engineer (tta-frontend-engineer) · user scope\n',
    });
  });

  it('exit 2 with the message on stderr only, for bad input', async () => {
    const unknown = await run('tta-persona', ['nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('unknown persona "nobody"');
    expect((await run('tta', ['frobnicate'])).code).toBe(2);
  });

  it('print usage without arguments (exit 2) and with --help (exit 0)', async () => {
    expect(await run('tta-persona', [])).toMatchObject({ code: 2 });
    const help = await run('tta', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('persona');
    expect((await run('tta', ['persona', '--help'])).stdout).toContain(
      'Usage: tta persona <command>',
    );
  });

  it('print the version', async () => {
    const { code, stdout } = await run('tta', ['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
