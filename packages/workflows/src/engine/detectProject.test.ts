import { execSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectProject } from './detectProject.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-detect-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('detectProject', () => {
  it('detects npm, pnpm and changesets from the files', async () => {
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ scripts: { test: 'vitest run', build: 'tsc' } }),
    );
    expect(detectProject(dir)).toMatchObject({
      ecosystem: 'javascript',
      packageManager: 'npm',
      commands: { test: 'npm run test', build: 'npm run build' },
    });
    expect(detectProject(dir).commands.version).toContain('npm version');
    expect(detectProject(dir).readme).toBe('');
    await writeFile(join(dir, 'README.md'), '# x\n');
    expect(detectProject(dir).readme).toBe('README.md');
    await writeFile(join(dir, 'pnpm-lock.yaml'), '');
    await mkdir(join(dir, '.changeset'));
    expect(detectProject(dir)).toMatchObject({
      packageManager: 'pnpm',
      commands: { version: 'pnpm changeset version', build: 'pnpm run build' },
    });
  });

  it("reads a package's line coverage, or says how to get a coverage summary", async () => {
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ scripts: { test: 'node --test' } }),
    );
    const { readCoverage } = detectProject(dir).commands;
    const read = () => {
      try {
        return { out: execSync(readCoverage!, { cwd: dir, encoding: 'utf8', stdio: 'pipe' }) };
      } catch (error) {
        return {
          status: (error as { status: number }).status,
          err: String((error as { stderr: string }).stderr),
        };
      }
    };
    expect(read()).toEqual({
      status: 1,
      err: expect.stringMatching(
        /^error: no coverage\/coverage-summary\.json: make the tests write it with a json-summary coverage reporter \(c8 --reporter=json-summary, .*\), or set commands\.readCoverage in \.tta\/project\.json\n$/,
      ),
    });
    await mkdir(join(dir, 'coverage'));
    await writeFile(
      join(dir, 'coverage', 'coverage-summary.json'),
      JSON.stringify({ total: { lines: { pct: 87.5 } } }),
    );
    expect(read()).toEqual({ out: '87.5\n' });
  });

  it('detects Python with uv', async () => {
    await writeFile(join(dir, 'pyproject.toml'), '[project]\nname = "x"\n');
    await writeFile(join(dir, 'uv.lock'), '');
    expect(detectProject(dir)).toMatchObject({
      ecosystem: 'python',
      packageManager: 'uv',
      commands: { build: 'uv build' },
    });
  });

  it('says when it knows nothing', () => {
    expect(detectProject(dir)).toEqual({
      ecosystem: 'unknown',
      packageManager: 'none',
      commands: {},
      readme: '',
    });
  });

  it('gives no test command without a test script, and takes .tta/project.json over detection', async () => {
    await writeFile(join(dir, 'package.json'), JSON.stringify({ scripts: { build: 'tsc' } }));
    expect(detectProject(dir).commands.test).toBeUndefined();
    expect(detectProject(dir).commands.testWithCoverage).toBeUndefined();
    await mkdir(join(dir, '.tta'));
    await writeFile(join(dir, '.tta', 'project.json'), '{"commands":{"test":"make check"}}');
    expect(detectProject(dir).commands).toMatchObject({
      test: 'make check',
      build: 'npm run build',
    });
    await writeFile(join(dir, '.tta', 'project.json'), '{"commands":{"test":1}}');
    expect(() => detectProject(dir)).toThrow(/project\.json: "commands" must map names/);
  });
});
