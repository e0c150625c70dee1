import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSampleProject } from '@tta-dev/workflows';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { runWorkflowCommand } from './workflowCommand.js';

let root: string;
let project: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-preflight-'));
  project = join(root, 'project');
  await mkdir(project);
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = captureIo({
    env: {
      ...(process.env as Record<string, string>),
      TTA_HOME: join(root, 'home'),
      NO_COLOR: '1',
    },
    cwd: project,
  });
  const code = await runSafely(io, () => runWorkflowCommand(args, io));
  return { code, out: io.out(), err: io.err() };
}

describe('tta workflow run says what the project lacks before it starts', () => {
  it('in a git repository with no package.json: one line per missing command, exit 2', async () => {
    execFileSync('git', ['init', '-q'], { cwd: project });
    for (const extra of [['--dry-run'], []]) {
      const { code, out, err } = await run(['run', 'package-release', ...extra]);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).not.toContain('undefined');
      expect(err).toContain(
        'no testWithCoverage command found (step tests): there is no package.json or pyproject.toml here; add one, or set commands.testWithCoverage in .tta/project.json',
      );
      expect(err).toMatch(/^no version command found \(step version\): /m);
      expect(err).not.toContain('git');
    }
    expect(existsSync(join(project, '.tta', 'runs'))).toBe(false);
  });

  it('names the missing test script of a package, and takes the commands of .tta/project.json', async () => {
    execFileSync('git', ['init', '-q'], { cwd: project });
    await writeFile(join(project, 'package.json'), '{"name":"x","version":"1.0.0"}\n');
    const { code, err } = await run(['run', 'feature-development', '-i', 'feature=f', '--dry-run']);
    expect(code).toBe(2);
    expect(err.trim()).toBe(
      'no test command found (steps backend-tests, ui-tests, full-suite): add a "test" script to package.json, or set commands.test in .tta/project.json',
    );
    await mkdir(join(project, '.tta'));
    await writeFile(join(project, '.tta', 'project.json'), '{"commands":{"test":"node -e 0"}}\n');
    const fixed = await run(['run', 'feature-development', '-i', 'feature=f', '--dry-run']);
    expect(fixed.code).toBe(0);
    expect(fixed.out).toContain('backend-tests (run) node -e 0');
  });

  it('outside git: says that package-release needs a repository, exit 2, nothing appended', async () => {
    await createSampleProject(project);
    await rm(join(project, '.git'), { recursive: true, force: true });
    for (const extra of [['--dry-run'], []]) {
      const { code, err } = await run(['run', 'package-release', ...extra]);
      expect(code).toBe(2);
      expect(err.trim()).toBe(
        `not a git repository (${project}): package-release needs one (clean-tree, changes-before, release-commit, tag, tagged); run "git init", or run it in a clone`,
      );
    }
    expect(existsSync(join(project, '.tta', 'runs'))).toBe(false);
  });
});
