import { rm } from 'node:fs/promises';
import type { Stage, Step, StepRunContext } from '@tta-dev/workflows';
import { StepSchema } from '@tta-dev/workflows';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRepository, gitIn, TEST_GIT_ENV } from '../git/git.testkit.js';
import { repoOfRemoteUrl } from './GitHubRepo.js';
import { FAKE_GITHUB_TOKEN, type FakeGitHub, startFakeGitHub } from './github.testkit.js';
import { createGitHubStepRunner } from './githubStepRunner.js';

let github: FakeGitHub;
let root: string;
let repo: string;
beforeEach(async () => {
  github = await startFakeGitHub();
  ({ root, repo } = await createRepository());
  gitIn(repo, 'remote', 'set-url', 'origin', 'git@github.com:acme/widgets.git');
});
afterEach(async () => {
  await github.close();
  await rm(root, { recursive: true, force: true });
});

const runner = createGitHubStepRunner({ pollIntervalMs: 20 });
const withToken = () => ({
  ...TEST_GIT_ENV,
  GITHUB_TOKEN: FAKE_GITHUB_TOKEN,
  GH_TOKEN: undefined,
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: undefined,
  GITHUB_SERVER_URL: undefined,
});

/** Runs one github step, parsed as a workflow file would be, in the test repository. */
function run(raw: Record<string, unknown>, env: Record<string, string | undefined> = withToken()) {
  const step = StepSchema.parse({ id: 'gh', ...raw }) as Step;
  const context: StepRunContext = {
    runId: 'run-1',
    stage: { id: 'ship' } as Stage,
    persona: 'tta-devops-engineer',
    cwd: repo,
    env,
    scope: {},
  };
  return runner(step, context);
}

describe('github steps, not configured', () => {
  it('say so as their output, without a token, and call nothing', async () => {
    const env = { ...withToken(), GITHUB_TOKEN: undefined };
    expect(await run({ github: 'release', with: { tag: 'v1.0.0' } }, env)).toEqual({
      configured: false,
      action: 'release',
      reason: 'GITHUB_TOKEN (or GH_TOKEN) is not set, so nothing was done on GitHub',
    });
    expect(github.requests).toEqual([]);
  });

  it('say so when no repository is known, or the remote is not on GitHub', async () => {
    gitIn(repo, 'remote', 'remove', 'origin');
    expect(await run({ github: 'ci_status' })).toMatchObject({
      configured: false,
      reason: 'no GitHub repository: give with.repo, or add a git remote "origin" on GitHub',
    });
    gitIn(repo, 'remote', 'add', 'origin', 'https://gitlab.com/acme/widgets.git');
    expect(await run({ github: 'ci_status' })).toMatchObject({
      configured: false,
      reason: 'the git remote "origin" is not on GitHub (github.com): give with.repo',
    });
    expect(github.requests).toEqual([]);
  });
});

describe('github steps against a stand-in for the GitHub API', () => {
  it('open a pull request from the current branch to the default branch, once', async () => {
    gitIn(repo, 'switch', '-q', '-c', 'feature/profile');
    github.branches.add('feature/profile');
    const step = {
      github: 'pull_request',
      with: { title: 'feat: profile', body: 'Adds the profile page.', draft: 'true' },
    };
    expect(await run(step)).toEqual({
      configured: true,
      repo: 'acme/widgets',
      number: 1,
      url: 'https://github.com/acme/widgets/pull/1',
      state: 'open',
      draft: true,
      head: 'feature/profile',
      base: 'main',
      created: true,
    });
    expect(github.pulls[0]).toMatchObject({
      title: 'feat: profile',
      body: 'Adds the profile page.',
    });
    // Run again (a resumed run): the open pull request is found, not opened twice.
    expect(await run(step)).toMatchObject({ number: 1, created: false });
    expect(github.pulls).toHaveLength(1);
    expect(
      github.requests
        .find((r) => r.method === 'GET' && r.path.endsWith('/pulls'))
        ?.query.get('head'),
    ).toBe('acme:feature/profile');
  });

  it("surfaces GitHub's refusal with its message", async () => {
    gitIn(repo, 'switch', '-q', '-c', 'not-pushed');
    await expect(
      run({ github: 'pull_request', with: { title: 'x', base: 'main' } }),
    ).rejects.toThrow(
      'GitHub refused POST /repos/acme/widgets/pulls (HTTP 422): Validation Failed: head invalid',
    );
    await expect(
      run(
        { github: 'ci_status', with: { ref: 'main' } },
        { ...withToken(), GITHUB_TOKEN: 'ghp_wrong' },
      ),
    ).rejects.toThrow(
      'GitHub refused GET /repos/acme/widgets/commits/main/check-runs (HTTP 401): Bad credentials',
    );
  });

  it('create a draft release, then publish the same release', async () => {
    const draft = await run({
      github: 'release',
      with: { tag: 'v1.1.0', body: '## v1.1.0\n- double()', draft: true, target: 'abc123' },
    });
    expect(draft).toEqual({
      configured: true,
      repo: 'acme/widgets',
      id: 1000,
      tag: 'v1.1.0',
      name: 'v1.1.0',
      url: 'https://github.com/acme/widgets/releases/tag/v1.1.0',
      draft: true,
      prerelease: false,
      created: true,
    });
    expect(github.releases[0]).toMatchObject({
      target_commitish: 'abc123',
      body: '## v1.1.0\n- double()',
    });
    const published = await run({ github: 'release', with: { tag: 'v1.1.0', draft: false } });
    expect(published).toMatchObject({ id: 1000, draft: false, created: false });
    expect(github.releases).toHaveLength(1);
  });

  it('read the CI state of HEAD from check runs and commit statuses', async () => {
    const head = gitIn(repo, 'rev-parse', 'HEAD');
    github.checks = () => ({
      runs: [
        { name: 'test', status: 'completed', conclusion: 'success' },
        { name: 'lint', status: 'completed', conclusion: 'failure' },
        { name: 'docs', status: 'completed', conclusion: 'skipped' },
      ],
      statuses: [{ context: 'ci/legacy', state: 'success' }],
    });
    const status = await run({ github: 'ci_status' });
    expect(status).toMatchObject({
      configured: true,
      ref: head,
      sha: head,
      state: 'failure',
      total: 4,
      succeeded: 3,
      failed: 1,
      pending: 0,
    });
    expect((status as { checks: { name: string }[] }).checks.map((c) => c.name)).toEqual([
      'test',
      'lint',
      'docs',
      'ci/legacy',
    ]);
    github.checks = () => ({ runs: [], statuses: [] });
    expect(await run({ github: 'ci_status', with: { ref: 'main' } })).toMatchObject({
      state: 'none',
      total: 0,
    });
  });

  it('wait for pending checks when told to', async () => {
    const polls = () => github.requests.filter((r) => r.path.endsWith('/check-runs')).length;
    let doneAfter = 1;
    github.checks = () => {
      const done = polls() > doneAfter;
      return {
        runs: [
          {
            name: 'test',
            status: done ? 'completed' : 'in_progress',
            conclusion: done ? 'success' : null,
          },
        ],
        statuses: [],
      };
    };
    expect(await run({ github: 'ci_status', with: { ref: 'main' } })).toMatchObject({
      state: 'pending',
      pending: 1,
    });
    doneAfter = 3;
    const waited = await run({
      github: 'ci_status',
      with: { ref: 'main', wait: true, waitMinutes: 1 },
    });
    expect(waited).toMatchObject({ state: 'success', succeeded: 1 });
    expect(polls()).toBe(4);
  });

  it('take the repository from with.repo, and refuse one that is not owner/name', async () => {
    gitIn(repo, 'remote', 'remove', 'origin');
    expect(
      await run({ github: 'ci_status', with: { repo: 'acme/widgets', ref: 'main' } }),
    ).toMatchObject({
      configured: true,
      repo: 'acme/widgets',
    });
    await expect(run({ github: 'ci_status', with: { repo: 'widgets' } })).rejects.toThrow(
      'github step "gh": with.repo "widgets" is not owner/name',
    );
  });
});

describe('repoOfRemoteUrl', () => {
  it.each([
    ['https://github.com/acme/widgets.git', 'acme/widgets'],
    ['https://x-access-token:abc@github.com/acme/widgets', 'acme/widgets'],
    ['git@github.com:acme/widgets.git', 'acme/widgets'],
    ['ssh://git@github.com:22/acme/widgets.git', 'acme/widgets'],
    ['git://github.com/acme/widgets.git/', 'acme/widgets'],
    ['https://gitlab.com/acme/widgets.git', undefined],
    ['/srv/git/widgets.git', undefined],
    ['https://github.com/acme', undefined],
  ])('%s → %s', (url, expected) => {
    const repo = repoOfRemoteUrl(url, ['github.com']);
    expect(repo && `${repo.owner}/${repo.name}`).toBe(expected);
  });
});
