import { setTimeout as sleep } from 'node:timers/promises';
import { GithubFields, type StepRunContext, type StepRunner } from '@tta-dev/workflows';
import { GitRepository } from '../git/GitRepository.js';
import { InvalidStepError, stepFields, toFlag } from '../steps/stepFields.js';
import { GitHubClient } from './GitHubClient.js';
import { type GitHubRepo, parseRepoName, repoOfRemoteUrl } from './GitHubRepo.js';

/** The output of a github step that could not be done here: no token, or no repository. */
export interface GitHubNotConfigured {
  readonly configured: false;
  readonly action: string;
  readonly reason: string;
}

export interface GitHubStepRunnerOptions {
  /** How often `ci_status` with `wait` asks again; default 10 s. */
  readonly pollIntervalMs?: number;
}

type GithubStep = ReturnType<typeof stepFields<typeof GithubFields>>;

/**
 * Runs `github` steps through the GitHub REST API (`GITHUB_API_URL` for an Enterprise server):
 * `pull_request`, `release` and `ci_status`, on `with.repo` or the repository of the git remote
 * (`with.remote`, default origin), else GITHUB_REPOSITORY. Without a token (GITHUB_TOKEN or
 * GH_TOKEN) or a repository the output is `{ configured: false, reason }`, so runs carry on.
 */
export function createGitHubStepRunner(options: GitHubStepRunnerOptions = {}): StepRunner {
  const pollIntervalMs = options.pollIntervalMs ?? 10_000;
  return async (step, context) => {
    const fields = stepFields(step, 'github', GithubFields);
    const action = fields.github;
    const token = context.env.GITHUB_TOKEN?.trim() || context.env.GH_TOKEN?.trim();
    if (!token)
      return notConfigured(
        action,
        'GITHUB_TOKEN (or GH_TOKEN) is not set, so nothing was done on GitHub',
      );
    const git = new GitRepository({
      cwd: context.cwd,
      env: context.env,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    const repo = await repositoryOf(fields, git, context);
    if (typeof repo === 'string') return notConfigured(action, repo);
    const client = new GitHubClient({
      token,
      ...(context.env.GITHUB_API_URL ? { baseUrl: context.env.GITHUB_API_URL } : {}),
      ...(fields.timeoutMs === undefined ? {} : { timeoutMs: fields.timeoutMs }),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    const w = fields.with;
    const need = (field: 'title' | 'tag', value: string | undefined): string => {
      if (value === undefined || value.trim() === '')
        throw new InvalidStepError(`github ${action} step "${fields.id}" needs with.${field}`);
      return value;
    };
    const body = w.body === undefined || w.body === null ? undefined : toText(w.body);
    switch (action) {
      case 'pull_request': {
        const head = w.head ?? (await git.currentBranch());
        if (head === null)
          throw new InvalidStepError(
            `github pull_request step "${fields.id}": HEAD is detached; give with.head`,
          );
        return client.pullRequest(repo, {
          title: need('title', w.title),
          head,
          ...(w.base ? { base: w.base } : {}),
          ...(body === undefined ? {} : { body }),
          ...(w.draft === undefined ? {} : { draft: toFlag(w.draft) }),
        });
      }
      case 'release':
        return client.release(repo, {
          tag: need('tag', w.tag),
          ...(w.name ? { name: w.name } : {}),
          ...(body === undefined ? {} : { body }),
          ...(w.target ? { target: w.target } : {}),
          ...(w.draft === undefined ? {} : { draft: toFlag(w.draft) }),
          ...(w.prerelease === undefined ? {} : { prerelease: toFlag(w.prerelease) }),
        });
      case 'ci_status': {
        const ref = w.ref ?? (await git.revision('HEAD'));
        let status = await client.ciStatus(repo, ref);
        if (!toFlag(w.wait)) return status;
        const minutes = w.waitMinutes === undefined ? 30 : Number(w.waitMinutes);
        if (!(minutes > 0))
          throw new InvalidStepError(
            `github ci_status step "${fields.id}": with.waitMinutes must be a positive number`,
          );
        const started = Date.now();
        while (status.state === 'pending' && Date.now() - started < minutes * 60_000) {
          await sleep(pollIntervalMs, undefined, context.signal ? { signal: context.signal } : {});
          status = await client.ciStatus(repo, ref);
        }
        return { ...status, waitedMs: Date.now() - started };
      }
    }
  };
}

/** The runner with its defaults, as `createStepRunners` lists it. */
export const githubStepRunner: StepRunner = createGitHubStepRunner();

const notConfigured = (action: string, reason: string): GitHubNotConfigured => ({
  configured: false,
  action,
  reason,
});

/** The repository, or why there is none (a reason for the "not configured" output). */
async function repositoryOf(
  fields: GithubStep,
  git: GitRepository,
  context: StepRunContext,
): Promise<GitHubRepo | string> {
  if (fields.with.repo !== undefined) {
    const repo = parseRepoName(fields.with.repo);
    if (repo === undefined)
      throw new InvalidStepError(
        `github step "${fields.id}": with.repo "${fields.with.repo}" is not owner/name`,
      );
    return repo;
  }
  const remote = fields.with.remote ?? 'origin';
  const url = await git.remoteUrl(remote).catch(() => undefined);
  const hosts = ['github.com'];
  if (context.env.GITHUB_SERVER_URL) {
    try {
      hosts.push(new URL(context.env.GITHUB_SERVER_URL).hostname);
    } catch {
      // not a URL: github.com only
    }
  }
  if (url !== undefined) {
    const repo = repoOfRemoteUrl(url, hosts);
    if (repo !== undefined) return repo;
  }
  const fromEnv = context.env.GITHUB_REPOSITORY && parseRepoName(context.env.GITHUB_REPOSITORY);
  if (fromEnv) return fromEnv;
  return url === undefined
    ? `no GitHub repository: give with.repo, or add a git remote "${remote}" on GitHub`
    : `the git remote "${remote}" is not on GitHub (${hosts.join(', ')}): give with.repo`;
}

const toText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
