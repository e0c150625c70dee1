import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An environment for git in tests: a fixed identity, no user or system configuration. */
export const TEST_GIT_ENV: Record<string, string | undefined> = {
  ...process.env,
  GIT_AUTHOR_NAME: 'TTA Test',
  GIT_AUTHOR_EMAIL: 'test@tta.invalid',
  GIT_COMMITTER_NAME: 'TTA Test',
  GIT_COMMITTER_EMAIL: 'test@tta.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Runs git in `cwd` with the test environment and returns its trimmed output. */
export const gitIn = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, env: TEST_GIT_ENV, encoding: 'utf8' }).trim();

/**
 * A temporary folder with a repository (branch main, one commit of README.md) and, beside it, a
 * bare repository added as its remote `origin`.
 */
export async function createRepository(): Promise<{ root: string; repo: string; remote: string }> {
  const root = await mkdtemp(join(tmpdir(), 'tta-git-'));
  const repo = join(root, 'repo');
  const remote = join(root, 'remote.git');
  await mkdir(repo);
  gitIn(root, 'init', '-q', '--bare', '-b', 'main', remote);
  gitIn(repo, 'init', '-q', '-b', 'main');
  await writeFile(join(repo, 'README.md'), '# Widgets\n');
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '-q', '-m', 'Initial commit');
  gitIn(repo, 'remote', 'add', 'origin', remote);
  return { root, repo, remote };
}
