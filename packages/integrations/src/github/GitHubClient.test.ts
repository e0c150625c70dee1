import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isServiceError } from '../http/ServiceError.js';
import { listen } from '../prometheus/prometheus.testkit.js';
import { GitHubClient } from './GitHubClient.js';
import { FAKE_GITHUB_TOKEN, startFakeGitHub } from './github.testkit.js';

const acme = { owner: 'acme', name: 'widgets' };
const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

/** A server that takes requests and never answers them. */
async function silentServer() {
  const server = await listen(createServer(() => undefined));
  closing.push(server.close);
  return server;
}

describe('GitHubClient failures (Octokit errors become ServiceErrors)', () => {
  it('names the URL of an API that is not there', async () => {
    const github = await startFakeGitHub();
    await github.close();
    const client = new GitHubClient({ token: FAKE_GITHUB_TOKEN, baseUrl: github.url });
    const error = await client.defaultBranch(acme).catch((e: unknown) => e);
    expect(isServiceError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`^GitHub at ${github.url}/repos/acme/widgets is unreachable: .*ECONNREFUSED`),
    );
  });

  it('gives up on a request at its time limit', async () => {
    const server = await silentServer();
    const client = new GitHubClient({
      token: FAKE_GITHUB_TOKEN,
      baseUrl: server.url,
      timeoutMs: 200,
    });
    await expect(client.ciStatus(acme, 'main')).rejects.toThrow(
      `GitHub at ${server.url}/repos/acme/widgets/commits/main/check-runs did not answer within 200 ms`,
    );
  });

  it("rethrows the run's abort reason as it is", async () => {
    const server = await silentServer();
    const abort = new AbortController();
    const client = new GitHubClient({
      token: FAKE_GITHUB_TOKEN,
      baseUrl: `${server.url}/api/v3/`,
      signal: abort.signal,
    });
    const reason = new Error('run cancelled');
    const asked = client.release(acme, { tag: 'v1.0.0' });
    setTimeout(() => abort.abort(reason), 50);
    await expect(asked).rejects.toBe(reason);
  });

  it('refuses a base URL that is not an http(s) URL', () => {
    expect(() => new GitHubClient({ token: 't', baseUrl: 'api.github.com' })).toThrow(
      'GitHub URL "api.github.com" is not an http(s) URL',
    );
    expect(() => new GitHubClient({ token: 't', baseUrl: 'ftp://example.com' })).toThrow(
      'GitHub URL "ftp://example.com" is not an http(s) URL',
    );
  });

  it('shows the start of an error body that is not JSON, under an Enterprise path', async () => {
    const server = await listen(
      createServer((req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end(`<html><body>Bad gateway for ${req.url}</body></html>`);
      }),
    );
    closing.push(server.close);
    const client = new GitHubClient({ token: FAKE_GITHUB_TOKEN, baseUrl: `${server.url}/api/v3` });
    await expect(client.defaultBranch(acme)).rejects.toThrow(
      'GitHub refused GET /repos/acme/widgets (HTTP 502): <html><body>Bad gateway for /api/v3/repos/acme/widgets</body></html>',
    );
  });
});
