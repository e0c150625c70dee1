import { mkdir, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitRepository } from './GitRepository.js';
import { createRepository, gitIn, TEST_GIT_ENV } from './git.testkit.js';
import { isGitError } from './runGit.js';

let root: string;
let repo: string;
let remote: string;
let git: GitRepository;
beforeEach(async () => {
  ({ root, repo, remote } = await createRepository());
  git = new GitRepository({ cwd: repo, env: TEST_GIT_ENV });
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('GitRepository on real repositories', () => {
  it("commits only the changed paths of its folder it is given, never tta's state nor what was staged before", async () => {
    await mkdir(join(repo, 'pkg', '.tta', 'runs', 'r1'), { recursive: true });
    await mkdir(join(repo, 'pkg', '.tta', 'workflows'), { recursive: true });
    await writeFile(join(repo, 'pkg', '.tta', 'runs', 'r1', 'events.jsonl'), '{}\n');
    await writeFile(join(repo, 'pkg', '.tta', 'persona.json'), '{}\n');
    await writeFile(join(repo, 'pkg', '.tta', 'workflows', 'x.workflow.yaml'), 'name: x\n');
    await writeFile(join(repo, 'pkg', 'fix.js'), 'fixed\n');
    await writeFile(join(repo, 'pkg', 'mine.txt'), 'not mine to commit\n');
    await writeFile(join(repo, 'staged.txt'), 'staged by the user\n');
    gitIn(repo, 'add', 'staged.txt');
    const inPkg = new GitRepository({ cwd: join(repo, 'pkg'), env: TEST_GIT_ENV });
    expect(await inPkg.status()).toEqual({
      changed: ['.tta/workflows/x.workflow.yaml', 'fix.js', 'mine.txt'],
    });
    const result = await inPkg.commit({ message: 'fix', exclude: ['mine.txt'] });
    expect(result.files).toEqual(['pkg/.tta/workflows/x.workflow.yaml', 'pkg/fix.js']);
    expect(gitIn(repo, 'status', '--porcelain')).toBe(
      'A  staged.txt\n?? pkg/.tta/persona.json\n?? pkg/.tta/runs/\n?? pkg/mine.txt',
    );
  });

  it('creates a branch and switches to it; the second time only switches', async () => {
    const head = gitIn(repo, 'rev-parse', 'HEAD');
    expect(await git.branch({ name: 'feature/x' })).toEqual({
      branch: 'feature/x',
      created: true,
      checkedOut: true,
      commit: head,
      previous: 'main',
    });
    expect(gitIn(repo, 'branch', '--show-current')).toBe('feature/x');
    gitIn(repo, 'switch', '-q', 'main');
    expect(await git.branch({ name: 'feature/x' })).toMatchObject({
      created: false,
      previous: 'main',
    });
    expect(gitIn(repo, 'branch', '--show-current')).toBe('feature/x');
    expect(await git.branch({ name: 'later', checkout: false })).toMatchObject({
      created: true,
      checkedOut: false,
    });
    expect(gitIn(repo, 'branch', '--show-current')).toBe('feature/x');
  });

  it('refuses a branch name git refuses, and a start that names no commit', async () => {
    await expect(git.branch({ name: 'bad..name' })).rejects.toThrow(
      '"bad..name" is not a valid branch name',
    );
    await expect(git.branch({ name: 'ok', from: 'nowhere' })).rejects.toThrow(
      /git switch --quiet -c ok nowhere exited 128/,
    );
  });

  it('commits every change (new, changed and deleted files), or only the files given', async () => {
    await writeFile(join(repo, 'a.txt'), 'a\n');
    await writeFile(join(repo, 'b.txt'), 'b\n');
    const first = await git.commit({ message: 'feat: a', files: ['a.txt'] });
    expect(first).toMatchObject({ branch: 'main', message: 'feat: a', files: ['a.txt'] });
    expect(first.commit).toBe(gitIn(repo, 'rev-parse', 'HEAD'));
    expect(gitIn(repo, 'status', '--porcelain')).toBe('?? b.txt');

    await unlink(join(repo, 'README.md'));
    const second = await git.commit({ message: '-leading dash and "quotes" $HOME `x`' });
    expect(second.files).toEqual(['README.md', 'b.txt']);
    expect(gitIn(repo, 'log', '-1', '--format=%s')).toBe('-leading dash and "quotes" $HOME `x`');
    expect(gitIn(repo, 'status', '--porcelain')).toBe('');
  });

  it('refuses to commit nothing unless told to', async () => {
    const error = await git.commit({ message: 'nothing' }).catch((e: unknown) => e);
    expect(isGitError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^nothing to commit in .*; set with.allowEmpty/);
    const empty = await git.commit({ message: 'chore: empty', allowEmpty: true });
    expect(empty.files).toEqual([]);
    expect(gitIn(repo, 'rev-list', '--count', 'HEAD')).toBe('2');
  });

  it('tags annotated or lightweight, keeps a tag already there and refuses one elsewhere', async () => {
    const head = gitIn(repo, 'rev-parse', 'HEAD');
    expect(await git.tag({ name: 'v1.0.0', message: 'Release v1.0.0' })).toEqual({
      tag: 'v1.0.0',
      commit: head,
      annotated: true,
      created: true,
    });
    expect(gitIn(repo, 'cat-file', '-t', 'v1.0.0')).toBe('tag');
    expect(gitIn(repo, 'tag', '-l', '--format=%(contents:subject)', 'v1.0.0')).toBe(
      'Release v1.0.0',
    );
    expect(await git.tag({ name: 'v1.0.0', message: 'Release v1.0.0' })).toMatchObject({
      created: false,
    });
    await git.tag({ name: 'light' });
    expect(gitIn(repo, 'cat-file', '-t', 'light')).toBe('commit');

    await git.commit({ message: 'next', allowEmpty: true });
    await expect(git.tag({ name: 'v1.0.0' })).rejects.toThrow(
      `tag v1.0.0 already exists at ${head.slice(0, 12)}, not at HEAD`,
    );
    await expect(git.tag({ name: 'v 2' })).rejects.toThrow('"v 2" is not a valid tag name');
  });

  it('pushes the current branch with its upstream, and tags, to a bare remote', async () => {
    await git.branch({ name: 'release' });
    await git.commit({ message: 'chore(release): v1.1.0', allowEmpty: true });
    await git.tag({ name: 'v1.1.0', message: 'Release v1.1.0' });
    const result = await git.push({ tags: ['v1.1.0'] });
    expect(result).toEqual({
      remote: 'origin',
      pushed: [
        { ref: 'refs/heads/release', status: 'new' },
        { ref: 'refs/tags/v1.1.0', status: 'new' },
      ],
    });
    expect(gitIn(remote, 'rev-parse', 'release')).toBe(gitIn(repo, 'rev-parse', 'HEAD'));
    expect(gitIn(remote, 'rev-parse', 'v1.1.0^{commit}')).toBe(gitIn(repo, 'rev-parse', 'HEAD'));
    expect(gitIn(repo, 'rev-parse', '--abbrev-ref', 'release@{upstream}')).toBe('origin/release');

    expect((await git.push({ branch: 'release' })).pushed).toEqual([
      { ref: 'refs/heads/release', status: 'up-to-date' },
    ]);
  });

  it('surfaces a rejected push, a missing remote, a missing tag and a detached HEAD', async () => {
    await git.push();
    gitIn(repo, 'commit', '-q', '--amend', '-m', 'rewritten');
    const rejected = await git.push().catch((e: unknown) => e);
    expect(isGitError(rejected)).toBe(true);
    expect((rejected as Error).message).toMatch(/rejected|non-fast-forward/);

    await expect(git.push({ remote: 'upstream' })).rejects.toThrow('no remote "upstream"');
    await expect(git.push({ branch: false, tags: ['v9'] })).rejects.toThrow(
      'there is no tag v9 to push',
    );
    gitIn(repo, 'switch', '-q', '--detach', 'HEAD');
    await expect(git.push()).rejects.toThrow('HEAD is detached');
  });

  it('reads the URL of a remote', async () => {
    expect(await git.remoteUrl()).toBe(remote);
    expect(await git.remoteUrl('nope')).toBeUndefined();
  });
});
