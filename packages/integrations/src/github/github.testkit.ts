import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type LocalServer, listen } from '../prometheus/prometheus.testkit.js';

export const FAKE_GITHUB_TOKEN = 'ghp_testtokenforthefakeserver';

export interface FakeCheckRun {
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
}
export interface FakeStatus {
  context: string;
  state: 'pending' | 'success' | 'failure' | 'error';
}

/**
 * A stand-in for api.github.com, for tests: one repository (acme/widgets, default branch main,
 * branches `branches`), with the pull request, release, check run and commit status endpoints
 * that `GitHubClient` calls. It refuses requests GitHub would refuse (no or another token, no
 * API version, a missing field, an unknown head branch, a second open pull request) with
 * GitHub's error bodies, and records every request.
 */
export interface FakeGitHub extends LocalServer {
  readonly requests: { method: string; path: string; query: URLSearchParams; body: unknown }[];
  readonly branches: Set<string>;
  readonly pulls: Record<string, unknown>[];
  readonly releases: Record<string, unknown>[];
  /** The checks of a ref; a function is asked at each request (to change over time). */
  checks: (ref: string) => { runs: FakeCheckRun[]; statuses: FakeStatus[] };
}

const REPO = 'acme/widgets';

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const state = {
    requests: [] as FakeGitHub['requests'],
    branches: new Set(['main']),
    pulls: [] as Record<string, unknown>[],
    releases: [] as Record<string, unknown>[],
    checks: (_ref: string) => ({ runs: [] as FakeCheckRun[], statuses: [] as FakeStatus[] }),
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      try {
        handle(req, res, raw);
      } catch (error) {
        send(res, 500, { message: (error as Error).message });
      }
    });
  });
  function handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    const url = new URL(req.url ?? '/', 'http://github');
    const method = req.method ?? 'GET';
    const body = raw === '' ? undefined : (JSON.parse(raw) as Record<string, unknown>);
    state.requests.push({ method, path: url.pathname, query: url.searchParams, body });
    // GitHub takes a token as `token <t>` (Octokit's form) or `Bearer <t>`.
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    if (!/^(token|bearer)$/i.test(scheme ?? '') || token !== FAKE_GITHUB_TOKEN)
      return send(res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
      });
    if (
      req.headers['x-github-api-version'] !== '2022-11-28' ||
      !String(req.headers.accept).includes('application/vnd.github+json')
    )
      return send(res, 400, { message: 'Missing API version or media type' });
    if (body !== undefined && req.headers['content-type']?.split(';')[0] !== 'application/json')
      return send(res, 415, { message: 'Unsupported Media Type' });
    const path = url.pathname;
    const base = `/repos/${REPO}`;
    if (!path.startsWith(base)) return send(res, 404, { message: 'Not Found' });
    const rest = path.slice(base.length);
    if (rest === '' && method === 'GET')
      return send(res, 200, { full_name: REPO, default_branch: 'main' });
    if (rest === '/pulls' && method === 'GET') {
      const head = url.searchParams.get('head');
      const baseRef = url.searchParams.get('base');
      return send(
        res,
        200,
        state.pulls.filter(
          (p) =>
            `acme:${(p.head as { ref: string }).ref}` === head &&
            (p.base as { ref: string }).ref === baseRef &&
            p.state === 'open',
        ),
      );
    }
    if (rest === '/pulls' && method === 'POST') {
      for (const field of ['title', 'head', 'base'])
        if (typeof body?.[field] !== 'string')
          return send(res, 422, {
            message: 'Validation Failed',
            errors: [{ resource: 'PullRequest', field, code: 'missing_field' }],
          });
      if (!state.branches.has(String(body!.head)))
        return send(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
        });
      if (
        state.pulls.some(
          (p) => (p.head as { ref: string }).ref === body!.head && p.state === 'open',
        )
      )
        return send(res, 422, {
          message: 'Validation Failed',
          errors: [{ message: `A pull request already exists for acme:${body!.head}.` }],
        });
      const number = state.pulls.length + 1;
      const pr = {
        number,
        state: 'open',
        title: body!.title,
        body: body!.body ?? null,
        draft: body!.draft === true,
        html_url: `https://github.com/${REPO}/pull/${number}`,
        head: { ref: body!.head, label: `acme:${body!.head}` },
        base: { ref: body!.base },
      };
      state.pulls.push(pr);
      return send(res, 201, pr);
    }
    if (rest === '/releases' && method === 'GET') return send(res, 200, state.releases);
    if (rest === '/releases' && method === 'POST') {
      if (typeof body?.tag_name !== 'string')
        return send(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'Release', field: 'tag_name', code: 'missing_field' }],
        });
      if (state.releases.some((r) => r.tag_name === body.tag_name))
        return send(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
        });
      const id = 1000 + state.releases.length;
      const release = {
        id,
        tag_name: body.tag_name,
        target_commitish: body.target_commitish ?? 'main',
        name: body.name ?? null,
        body: body.body ?? null,
        draft: body.draft === true,
        prerelease: body.prerelease === true,
        html_url: `https://github.com/${REPO}/releases/tag/${body.tag_name}`,
      };
      state.releases.push(release);
      return send(res, 201, release);
    }
    const releaseId = /^\/releases\/(\d+)$/.exec(rest);
    if (releaseId && method === 'PATCH') {
      const release = state.releases.find((r) => r.id === Number(releaseId[1]));
      if (release === undefined) return send(res, 404, { message: 'Not Found' });
      Object.assign(release, body);
      return send(res, 200, release);
    }
    const commit = /^\/commits\/([^/]+)\/(check-runs|status)$/.exec(rest);
    if (commit && method === 'GET') {
      const ref = decodeURIComponent(commit[1]!);
      const { runs, statuses } = fake.checks(ref);
      const sha = /^[0-9a-f]{40}$/.test(ref) ? ref : 'c0ffee'.padEnd(40, '0');
      if (commit[2] === 'check-runs')
        return send(res, 200, {
          total_count: runs.length,
          check_runs: runs.map((r, i) => ({
            id: i + 1,
            head_sha: sha,
            html_url: `https://github.com/${REPO}/runs/${i + 1}`,
            ...r,
          })),
        });
      const combined = statuses.some((s) => s.state === 'failure' || s.state === 'error')
        ? 'failure'
        : statuses.some((s) => s.state === 'pending') || statuses.length === 0
          ? 'pending'
          : 'success';
      return send(res, 200, {
        state: combined,
        sha,
        total_count: statuses.length,
        statuses: statuses.map((s) => ({ ...s, target_url: null, description: null })),
      });
    }
    return send(res, 404, { message: 'Not Found' });
  }
  const fake: FakeGitHub = { ...(await listen(server)), ...state };
  return fake;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
