import { posix } from 'node:path';
import { GitError, type GitOptions, git, runGit } from './runGit.js';

export interface BranchResult {
  readonly branch: string;
  /** False when the branch existed already (it is then only switched to). */
  readonly created: boolean;
  readonly checkedOut: boolean;
  /** The commit the branch points at. */
  readonly commit: string;
  /** The branch checked out before (null on a detached HEAD). */
  readonly previous: string | null;
}

export interface CommitResult {
  readonly commit: string;
  readonly branch: string | null;
  readonly message: string;
  /** The paths the commit changed. */
  readonly files: readonly string[];
}

export interface StatusResult {
  /** The changed paths (new, modified, deleted, renamed), relative to the folder. */
  readonly changed: readonly string[];
}

export interface TagResult {
  readonly tag: string;
  readonly commit: string;
  readonly annotated: boolean;
  /** False when the tag existed already at the same commit. */
  readonly created: boolean;
}

export interface PushedRef {
  readonly ref: string;
  readonly status: 'new' | 'updated' | 'forced' | 'up-to-date';
}

export interface PushResult {
  readonly remote: string;
  readonly pushed: readonly PushedRef[];
}

/** What of `.tta/` is the user's to commit: the project's workflows and commands. */
const USERS_TTA_FILES = ['workflows/', 'project.json'];

/** Whether a path (from the top of the work tree) is tta's own state in the folder `prefix`. */
function isTtaState(path: string, prefix: string): boolean {
  const tta = `${prefix}.tta/`;
  return path.startsWith(tta) && !USERS_TTA_FILES.some((f) => path.startsWith(tta + f));
}

const PUSH_STATUS: Record<string, PushedRef['status']> = {
  '*': 'new',
  ' ': 'updated',
  '+': 'forced',
  '=': 'up-to-date',
};

/**
 * The local git repository of a folder: branches, commits, tags and pushes as a workflow needs
 * them. Each operation may run again safely where git allows it (an existing branch is switched
 * to, a tag already at the commit is kept), so that a resumed run does not fail on its own work.
 */
export class GitRepository {
  constructor(private readonly options: GitOptions) {}

  /** The checked-out branch, or null on a detached HEAD. */
  async currentBranch(): Promise<string | null> {
    const out = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], this.options);
    return out.exitCode === 0 ? out.stdout.trim() : null;
  }

  /** The commit `ref` names (HEAD by default). */
  revision(ref = 'HEAD'): Promise<string> {
    return this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
      throw new GitError(
        ['rev-parse', ref],
        1,
        '',
        `"${ref}" names no commit in ${this.options.cwd}`,
      );
    });
  }

  /** The URL of a remote, or undefined when there is no such remote. */
  async remoteUrl(remote = 'origin'): Promise<string | undefined> {
    const out = await runGit(['remote', 'get-url', remote], this.options);
    return out.exitCode === 0 ? out.stdout.trim() : undefined;
  }

  /** Creates a branch (at `from`, default HEAD) and switches to it unless `checkout` is false. */
  async branch(options: {
    name: string;
    from?: string;
    checkout?: boolean;
  }): Promise<BranchResult> {
    const { name, from, checkout = true } = options;
    await this.checkRefName(
      ['check-ref-format', '--branch', name],
      `"${name}" is not a valid branch name`,
    );
    const previous = await this.currentBranch();
    const exists =
      (await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${name}`], this.options))
        .exitCode === 0;
    if (exists) {
      if (checkout && previous !== name) await this.git(['switch', '--quiet', name]);
    } else if (checkout) await this.git(['switch', '--quiet', '-c', name, ...(from ? [from] : [])]);
    else await this.git(['branch', name, ...(from ? [from] : [])]);
    return {
      branch: name,
      created: !exists,
      checkedOut: checkout,
      commit: await this.revision(name),
      previous,
    };
  }

  /**
   * The paths changed in the work tree and the index (new files too), relative to the folder,
   * optionally only under `files`; tta's own state (`.tta/` but for `.tta/workflows/` and `.tta/project.json`) is never
   * among them.
   */
  async status(options: { files?: readonly string[] } = {}): Promise<StatusResult> {
    const { prefix, paths } = await this.changedPaths(options.files);
    return { changed: paths.map((p) => (p.startsWith(prefix) ? p.slice(prefix.length) : p)) };
  }

  /**
   * Commits the changed paths under `files` (default: every change), less `exclude`, and only
   * those: what was staged before stays staged and out of the commit, and tta's own state
   * (`.tta/runs/`, persona scopes, sandboxes) is never committed. Nothing to commit is an error
   * unless `allowEmpty`.
   */
  async commit(options: {
    message: string;
    files?: readonly string[];
    exclude?: readonly string[];
    allowEmpty?: boolean;
  }): Promise<CommitResult> {
    const { message, files, exclude = [], allowEmpty = false } = options;
    if (message.trim() === '') throw new Error('a commit needs a message');
    const changed = await this.changedPaths(files);
    const left = exclude.map((p) => posix.normalize(changed.prefix + p).replace(/\/$/, ''));
    const out = (path: string) => left.some((p) => path === p || path.startsWith(`${p}/`));
    const paths = changed.paths.filter((p) => !out(p));
    if (paths.length === 0 && !allowEmpty)
      throw new GitError(
        ['commit'],
        1,
        '',
        `nothing to commit in ${this.options.cwd}${files ? ` (in ${files.join(', ')})` : ''}; set with.allowEmpty to commit anyway`,
      );
    // Paths from `git status` are relative to the top of the work tree, and taken as they are.
    const specs = paths.map((p) => `:(top,literal)${p}`);
    if (specs.length > 0) await this.git(['add', '-A', '--', ...specs]);
    await this.git([
      'commit',
      '--quiet',
      '--only',
      '-m',
      message,
      ...(allowEmpty ? ['--allow-empty'] : []),
      ...(specs.length > 0 ? ['--', ...specs] : []),
    ]);
    const commit = await this.revision();
    const committed = await this.git(
      ['diff-tree', '--root', '--no-commit-id', '--name-only', '-r', '-z', commit],
      false,
    );
    return {
      commit,
      branch: await this.currentBranch(),
      message,
      files: committed.split('\0').filter(Boolean),
    };
  }

  /**
   * Changed paths (from the top of the work tree) of the folder (`prefix`, from the top), under
   * `files` (none when empty), tta's own state left out.
   */
  private async changedPaths(
    files?: readonly string[],
  ): Promise<{ prefix: string; paths: string[] }> {
    const prefix = await this.git(['rev-parse', '--show-prefix']);
    if (files?.length === 0) return { prefix, paths: [] };
    const status = await this.git(
      ['status', '--porcelain', '-z', '--untracked-files=all', '--', ...(files ?? ['.'])],
      false,
    );
    const entries = status.split('\0');
    const paths: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.length < 4) continue;
      paths.push(entry.slice(3));
      // A rename or copy names its source next.
      if (entry[0] === 'R' || entry[0] === 'C') paths.push(entries[++i]!);
    }
    return { prefix, paths: paths.filter((p) => !isTtaState(p, prefix)) };
  }

  /** Tags `ref` (default HEAD): annotated with `message`, else lightweight. */
  async tag(options: { name: string; message?: string; ref?: string }): Promise<TagResult> {
    const { name, message, ref = 'HEAD' } = options;
    await this.checkRefName(
      ['check-ref-format', `refs/tags/${name}`],
      `"${name}" is not a valid tag name`,
    );
    const commit = await this.revision(ref);
    const existing = await runGit(
      ['rev-parse', '--verify', '--quiet', `refs/tags/${name}^{commit}`],
      this.options,
    );
    const annotated = message !== undefined && message !== '';
    if (existing.exitCode === 0) {
      const at = existing.stdout.trim();
      if (at !== commit)
        throw new GitError(
          ['tag', name],
          1,
          '',
          `tag ${name} already exists at ${at.slice(0, 12)}, not at ${ref} (${commit.slice(0, 12)})`,
        );
      return { tag: name, commit, annotated, created: false };
    }
    await this.git(['tag', ...(annotated ? ['-a', '-m', message] : []), name, commit]);
    return { tag: name, commit, annotated, created: true };
  }

  /**
   * Pushes a branch (default: the current one; false: none) and tags to a remote (default
   * origin), setting the branch's upstream. A rejected push is a `GitError` with git's reason.
   */
  async push(
    options: { remote?: string; branch?: string | false; tags?: readonly string[] } = {},
  ): Promise<PushResult> {
    const remote = options.remote ?? 'origin';
    if ((await this.remoteUrl(remote)) === undefined)
      throw new GitError(
        ['push', remote],
        1,
        '',
        `no remote "${remote}" in ${this.options.cwd} (add one: git remote add ${remote} <url>)`,
      );
    const branch = options.branch === undefined ? await this.currentBranch() : options.branch;
    if (branch === null)
      throw new GitError(
        ['push', remote],
        1,
        '',
        'HEAD is detached: name the branch to push (with.branch)',
      );
    const tags = options.tags ?? [];
    for (const tag of tags)
      if (
        (await runGit(['rev-parse', '--verify', '--quiet', `refs/tags/${tag}`], this.options))
          .exitCode !== 0
      )
        throw new GitError(['push', remote], 1, '', `there is no tag ${tag} to push`);
    const refspecs = [
      ...(branch === false ? [] : [`refs/heads/${branch}:refs/heads/${branch}`]),
      ...tags.map((t) => `refs/tags/${t}:refs/tags/${t}`),
    ];
    if (refspecs.length === 0) throw new Error('nothing to push: give a branch or tags');
    const args = [
      'push',
      '--porcelain',
      ...(branch === false ? [] : ['--set-upstream']),
      remote,
      ...refspecs,
    ];
    const out = await runGit(args, this.options);
    if (out.exitCode !== 0) {
      const rejected = out.stdout.split('\n').filter((l) => l.startsWith('!'));
      throw new GitError(
        args,
        out.exitCode,
        [out.stderr.trim(), ...rejected].filter(Boolean).join('\n'),
      );
    }
    const pushed = out.stdout
      .split('\n')
      .map((line) => /^(.)\t[^:]*:(\S+)\t/.exec(line))
      .filter((m) => m !== null)
      .map((m) => ({ ref: m[2]!, status: PUSH_STATUS[m[1]!] ?? 'updated' }));
    return { remote, pushed };
  }

  private async checkRefName(args: string[], message: string): Promise<void> {
    if ((await runGit(args, this.options)).exitCode !== 0) throw new GitError(args, 1, '', message);
  }

  private async git(args: readonly string[], trim = true): Promise<string> {
    if (trim) return git(args, this.options);
    const out = await runGit(args, this.options);
    if (out.exitCode !== 0) throw new GitError(args, out.exitCode, out.stderr);
    return out.stdout;
  }
}
