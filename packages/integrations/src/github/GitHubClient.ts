import type { Octokit } from '@octokit/rest';
import { z } from 'zod';
import { excerpt } from '../http/answerBody.js';
import { ServiceError } from '../http/ServiceError.js';
import { importOptional } from '../optionalPackage.js';
import { type GitHubRepo, repoName } from './GitHubRepo.js';

export const GITHUB_API_URL = 'https://api.github.com';

export interface GitHubClientOptions {
  readonly token: string;
  /** The REST API's root: https://api.github.com, or https://<host>/api/v3 for an Enterprise server. */
  readonly baseUrl?: string;
  /** Per request; default 30 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface PullRequestResult {
  readonly configured: true;
  readonly repo: string;
  readonly number: number;
  readonly url: string;
  readonly state: string;
  readonly draft: boolean;
  readonly head: string;
  readonly base: string;
  /** False when an open pull request from `head` to `base` existed already. */
  readonly created: boolean;
}

export interface ReleaseResult {
  readonly configured: true;
  readonly repo: string;
  readonly id: number;
  readonly tag: string;
  readonly name: string | null;
  readonly url: string;
  readonly draft: boolean;
  readonly prerelease: boolean;
  /** False when a release of the tag existed already (it is then updated). */
  readonly created: boolean;
}

export interface CiCheck {
  readonly name: string;
  /** Check runs: queued, in_progress, completed; commit statuses: their state. */
  readonly status: string;
  readonly conclusion: string | null;
  readonly url: string | null;
  readonly outcome: 'success' | 'failure' | 'pending';
}

export interface CiStatusResult {
  readonly configured: true;
  readonly repo: string;
  readonly ref: string;
  readonly sha: string | null;
  /** failure if any check failed, else pending if any runs, else success; none without checks. */
  readonly state: 'success' | 'failure' | 'pending' | 'none';
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly pending: number;
  readonly checks: readonly CiCheck[];
}

/** GitHub's error body: `{ message, errors?: [string | { message } | { field, code }] }`. */
const FieldError = z.object({ message: z.string(), field: z.string(), code: z.string() }).partial();
const ErrorBody = z.object({
  message: z.string(),
  errors: z.array(FieldError.or(z.string())).optional(),
});

/** Octokit's `RequestError` (its package, @octokit/request-error, is not ours to import). */
type RequestError = Error & {
  status: number;
  request: { method: string; url: string };
  response?: { data: unknown };
};
const isRequestError = (error: unknown): error is RequestError =>
  error instanceof Error && error.name === 'HttpError' && 'request' in error;

/** Conclusions of a completed check run that fail it (neutral and skipped do not). */
const FAILED = new Set([
  'failure',
  'timed_out',
  'cancelled',
  'action_required',
  'startup_failure',
  'stale',
]);

const quiet = () => undefined;
const at = (repo: GitHubRepo) => ({ owner: repo.owner, repo: repo.name });

/**
 * The GitHub REST API calls workflows need, through Octokit: pull requests, releases and CI
 * status. Each call may run again safely (an open pull request or a release of the tag is found
 * and reused), so a resumed run does not open a second one. GitHub's refusals, an unreachable
 * API and timeouts are `ServiceError`s, refusals with GitHub's message and field errors.
 */
export class GitHubClient {
  #octokit: Promise<Octokit> | undefined;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: GitHubClientOptions) {
    this.baseUrl = (options.baseUrl ?? GITHUB_API_URL).replace(/\/+$/, '');
    if (!/^https?:\/\//i.test(this.baseUrl) || !URL.canParse(this.baseUrl))
      throw new ServiceError('GitHub', `GitHub URL "${options.baseUrl}" is not an http(s) URL`);
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Octokit (an optional peer, loaded by the first call). */
  private octokit(): Promise<Octokit> {
    this.#octokit ??= importOptional(
      '@octokit/rest',
      'A GitHub step',
      () => import('@octokit/rest'),
    ).then(({ Octokit }) => {
      const { signal } = this.options;
      const octokit = new Octokit({
        auth: this.options.token,
        baseUrl: this.baseUrl,
        userAgent: 'tta-dev-integrations',
        // Failures are thrown as ServiceErrors, so Octokit need not print them too.
        log: { debug: quiet, info: quiet, warn: console.warn, error: quiet },
        request: {
          // Octokit has no time limit of its own: one per request, besides the run's signal.
          fetch: (url: string, init: RequestInit) => {
            const timeout = AbortSignal.timeout(this.timeoutMs);
            return fetch(url, {
              ...init,
              signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
            });
          },
        },
      });
      octokit.hook.before('request', (request) => {
        request.headers.accept = 'application/vnd.github+json';
        request.headers['x-github-api-version'] = '2022-11-28';
      });
      return octokit;
    });
    return this.#octokit;
  }

  async defaultBranch(repo: GitHubRepo): Promise<string> {
    return (await this.call((await this.octokit()).rest.repos.get(at(repo)))).default_branch;
  }

  /** Opens a pull request from `head` to `base` (default: the default branch), or finds the open one. */
  async pullRequest(
    repo: GitHubRepo,
    options: { title: string; head: string; base?: string; body?: string; draft?: boolean },
  ): Promise<PullRequestResult> {
    const base = options.base ?? (await this.defaultBranch(repo));
    const head = options.head.includes(':') ? options.head : `${repo.owner}:${options.head}`;
    const [found] = await this.call(
      (await this.octokit()).rest.pulls.list({ ...at(repo), head, base, state: 'open' }),
    );
    const pr =
      found ??
      (await this.call(
        (
          await this.octokit()
        ).rest.pulls.create({
          ...at(repo),
          title: options.title,
          head: options.head,
          base,
          ...(options.body === undefined ? {} : { body: options.body }),
          ...(options.draft === undefined ? {} : { draft: options.draft }),
        }),
      ));
    return {
      configured: true,
      repo: repoName(repo),
      number: pr.number,
      url: pr.html_url,
      state: pr.state,
      draft: pr.draft ?? false,
      head: pr.head.ref,
      base: pr.base.ref,
      created: found === undefined,
    };
  }

  /**
   * Creates the release of `tag`, or updates the one there is (a draft too: a draft made by a
   * dry run is published by the real run). A new tag is made at `target` when GitHub lacks it.
   */
  async release(
    repo: GitHubRepo,
    options: {
      tag: string;
      name?: string;
      body?: string;
      target?: string;
      draft?: boolean;
      prerelease?: boolean;
    },
  ): Promise<ReleaseResult> {
    const fields = {
      ...at(repo),
      name: options.name ?? options.tag,
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.draft === undefined ? {} : { draft: options.draft }),
      ...(options.prerelease === undefined ? {} : { prerelease: options.prerelease }),
    };
    // Drafts have no tag yet, so they are found in the list, not by GET /releases/tags/{tag}.
    const existing = (
      await this.call(
        (await this.octokit()).rest.repos.listReleases({ ...at(repo), per_page: 100 }),
      )
    ).find((r) => r.tag_name === options.tag);
    const release = await this.call(
      existing
        ? (await this.octokit()).rest.repos.updateRelease({ ...fields, release_id: existing.id })
        : (await this.octokit()).rest.repos.createRelease({
            ...fields,
            tag_name: options.tag,
            ...(options.target === undefined ? {} : { target_commitish: options.target }),
          }),
    );
    return {
      configured: true,
      repo: repoName(repo),
      id: release.id,
      tag: release.tag_name,
      name: release.name,
      url: release.html_url,
      draft: release.draft,
      prerelease: release.prerelease,
      created: existing === undefined,
    };
  }

  /**
   * The CI state of a commit (or branch, or tag) from its check runs (GitHub Actions and apps)
   * and its commit statuses (older CI services).
   */
  async ciStatus(repo: GitHubRepo, ref: string): Promise<CiStatusResult> {
    const asked = [
      this.call((await this.octokit()).rest.checks.listForRef({ ...at(repo), ref, per_page: 100 })),
      this.call((await this.octokit()).rest.repos.getCombinedStatusForRef({ ...at(repo), ref })),
    ] as const;
    // Both answered before either is read, so a failure of both reports the check runs' one.
    await Promise.allSettled(asked);
    const runs = await asked[0];
    const combined = await asked[1];
    const checks: CiCheck[] = [
      ...runs.check_runs.map(({ name, status, conclusion, html_url: url }): CiCheck => {
        const failed = FAILED.has(conclusion ?? '');
        const outcome = status !== 'completed' ? 'pending' : failed ? 'failure' : 'success';
        return { name, status, conclusion, url, outcome };
      }),
      ...combined.statuses.map(({ context, state, target_url }): CiCheck => {
        const outcome = state === 'success' || state === 'pending' ? state : 'failure';
        return {
          name: context,
          status: state,
          conclusion: state === 'pending' ? null : state,
          url: target_url,
          outcome,
        };
      }),
    ];
    const count = (o: CiCheck['outcome']) => checks.filter((c) => c.outcome === o).length;
    const failed = count('failure');
    const pending = count('pending');
    return {
      configured: true,
      repo: repoName(repo),
      ref,
      sha: runs.check_runs[0]?.head_sha ?? (combined.sha || null),
      state:
        checks.length === 0 ? 'none' : failed > 0 ? 'failure' : pending > 0 ? 'pending' : 'success',
      total: checks.length,
      succeeded: count('success'),
      failed,
      pending,
      checks,
    };
  }

  /** The answer's data, or the failure as a ServiceError (the run's abort reason as it is). */
  private async call<T>(request: Promise<{ data: T }>): Promise<T> {
    try {
      return (await request).data;
    } catch (error) {
      const { signal } = this.options;
      if (signal?.aborted) throw signal.reason;
      if (!isRequestError(error)) throw error;
      const { method, url } = error.request;
      const path = url.slice(this.baseUrl.length).split('?')[0];
      const timedOut = (error.cause as Error | undefined)?.name === 'TimeoutError';
      // Without a response the request never got an answer (Octokit then says status 500).
      const message = error.response
        ? `GitHub refused ${method} ${path} (HTTP ${error.status}): ${detailOf(error.response.data)}`
        : timedOut
          ? `GitHub at ${this.baseUrl}${path} did not answer within ${this.timeoutMs} ms`
          : `GitHub at ${this.baseUrl}${path} is unreachable: ${error.message}`;
      const details = error.response ? { status: error.status } : {};
      throw new ServiceError('GitHub', message, details, { cause: error });
    }
  }
}

/** GitHub's message and field errors: "Validation Failed: head invalid". */
function detailOf(data: unknown): string {
  const body = ErrorBody.safeParse(data);
  if (!body.success) return excerpt(typeof data === 'string' ? data : (JSON.stringify(data) ?? ''));
  const errors = (body.data.errors ?? []).map((e) =>
    typeof e === 'string' ? e : (e.message ?? `${e.field ?? ''} ${e.code ?? ''}`.trim()),
  );
  return [body.data.message, ...errors.filter((e) => e !== '')].join(': ');
}
