import { execFile } from 'node:child_process';
import { hasCode, TtaError } from '@tta-dev/core/errors';

export interface GitOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
}

export interface GitOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A git command that failed: the command, its exit code and what git said. */
export class GitError extends TtaError {
  override readonly name = 'GitError';
  readonly code = 'TTA_GIT' as const;

  constructor(
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
    message?: string,
  ) {
    super(
      message ??
        `git ${args.join(' ')} exited ${exitCode}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-5).join('\n')}` : ''}`,
    );
  }
}

export const isGitError = (error: unknown): error is GitError => hasCode(error, 'TTA_GIT');

/**
 * Runs the local `git` with arguments (never through a shell, so names and messages are passed
 * as they are). Resolves with the output whatever the exit code; `git` missing rejects.
 */
export function runGit(args: readonly string[], options: GitOptions): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        // Never wait for a password prompt: a push without credentials fails at once.
        env: { ...(options.env ?? process.env), GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ exitCode: 0, stdout, stderr });
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'number') return resolve({ exitCode: code, stdout, stderr });
        if (code === 'ENOENT')
          return reject(new Error('git is not installed (or not on PATH): install git'));
        reject(error);
      },
    );
  });
}

/** Runs git and returns its trimmed stdout; a non-zero exit is a `GitError`. */
export async function git(args: readonly string[], options: GitOptions): Promise<string> {
  const out = await runGit(args, options);
  if (out.exitCode !== 0) throw new GitError(args, out.exitCode, out.stderr || out.stdout);
  return out.stdout.trim();
}
