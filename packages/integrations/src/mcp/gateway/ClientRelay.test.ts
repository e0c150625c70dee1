import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CreateMessageRequestSchema,
  type CreateMessageResult,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  connectClient,
  type Harness,
  publishedServer,
  resultText,
  startHarness,
} from './gateway.testkit.js';

let harness: Harness | undefined;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await harness?.close();
  harness = undefined;
});

const everything = { everything: publishedServer('@modelcontextprotocol/server-everything') };

/** A sampling handler that answers `answer` and records the prompts it was given. */
function sampler(client: Client, answer: string, seen: string[] = []): string[] {
  client.setRequestHandler(CreateMessageRequestSchema, (request): CreateMessageResult => {
    seen.push(JSON.stringify(request.params.messages));
    return { model: 'test-model', role: 'assistant', content: { type: 'text', text: answer } };
  });
  return seen;
}

const allText = (result: unknown) =>
  (result as { content: { text?: string }[] }).content.map((c) => c.text ?? '').join('\n');

async function tempDir(): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'tta-roots-')));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('requests from downstream servers, relayed to the client', () => {
  it("relays a sampling request to the client's handler and its answer back to the server", async () => {
    const seen: string[] = [];
    harness = await startHarness(everything, {
      active: 'explorer',
      clientCapabilities: { capabilities: { sampling: {} } },
      setupClient: (client) => sampler(client, 'a sampled answer', seen),
    });
    const result = await harness.client.callTool({
      name: 'everything__trigger-sampling-request',
      arguments: { prompt: 'say hello' },
    });
    expect(result.isError).toBeFalsy();
    expect(seen.join()).toContain('say hello');
    expect(resultText(result)).toContain('a sampled answer');
  });

  it("relays an elicitation to the client and the person's answer back", async () => {
    harness = await startHarness(everything, {
      active: 'explorer',
      clientCapabilities: { capabilities: { elicitation: {} } },
      setupClient: (client) =>
        client.setRequestHandler(ElicitRequestSchema, (request) => {
          expect(request.params.message).toContain('Please provide inputs');
          return { action: 'accept', content: { name: 'Ada Lovelace', check: true } };
        }),
    });
    const result = await harness.client.callTool({
      name: 'everything__trigger-elicitation-request',
      arguments: {},
    });
    expect(allText(result)).toContain('Name: Ada Lovelace');
  });

  it('refuses a request that no connected client can answer, saying why', async () => {
    harness = await startHarness(everything, { active: 'explorer' });
    const result = await harness.client.callTool({
      name: 'everything__trigger-sampling-request',
      arguments: { prompt: 'x' },
    });
    expect(result.isError).toBe(true);
    expect(allText(result)).toContain('no client connected to the gateway supports sampling');
  });

  it('with two sessions, relays to the one whose call is in flight', async () => {
    harness = await startHarness(everything, {
      active: 'explorer',
      clientCapabilities: { capabilities: { sampling: {} } },
      setupClient: (client) => sampler(client, 'from the first session'),
    });
    const second = await connectClient(
      harness.gateway,
      { capabilities: { sampling: {} } },
      (client) => sampler(client, 'from the second session'),
    );
    cleanups.push(() => second.close());
    const call = (client: Client) =>
      client.callTool({ name: 'everything__trigger-sampling-request', arguments: { prompt: 'x' } });
    expect(resultText(await call(harness.client))).toContain('from the first session');
    expect(resultText(await call(second))).toContain('from the second session');
  });

  it("gives server-filesystem the client's roots, and follows roots/list_changed", async () => {
    const [started, first, second] = [await tempDir(), await tempDir(), await tempDir()];
    let roots = [first];
    harness = await startHarness(
      { fs: publishedServer('@modelcontextprotocol/server-filesystem', started) },
      {
        active: 'explorer',
        clientCapabilities: { capabilities: { roots: { listChanged: true } } },
        setupClient: (client) =>
          client.setRequestHandler(ListRootsRequestSchema, () => ({
            roots: roots.map((dir) => ({ uri: pathToFileURL(dir).href, name: 'work' })),
          })),
      },
    );
    const allowed = async () =>
      allText(await harness!.client.callTool({ name: 'fs__list_allowed_directories' }));
    await vi.waitFor(async () => expect(await allowed()).toContain(first), { timeout: 120_000 });
    expect(await allowed()).not.toContain(started);
    expect(await harness.gateway.relay.roots()).toEqual([first]);

    roots = [second];
    await harness.client.sendRootsListChanged();
    await vi.waitFor(async () => expect(await allowed()).toContain(second), { timeout: 120_000 });
    // Roots a server was once given stay bases of the path checks: refusing more is safe.
    expect(await harness.gateway.relay.roots()).toEqual(expect.arrayContaining([first, second]));
  });
});
