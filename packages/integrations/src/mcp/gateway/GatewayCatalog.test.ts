import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ErrorCode,
  McpError,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gatewayUri } from './GatewayCatalog.js';
import { fixtureServer, type Harness, publishedServer, startHarness } from './gateway.testkit.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const SERVERS = {
  everything: publishedServer('@modelcontextprotocol/server-everything'),
  files: fixtureServer('files', 'one'),
  files2: fixtureServer('files', 'two'),
  fx: fixtureServer('tools'),
};

/** Resolves at the next `list_changed` of `schema` that `client` receives. */
function nextNotification(
  client: Client,
  schema: typeof ResourceListChangedNotificationSchema | typeof PromptListChangedNotificationSchema,
): Promise<void> {
  return new Promise((resolve) => client.setNotificationHandler(schema, () => resolve()));
}

/** The JSON-RPC error a request failed with. */
async function rpcError(request: Promise<unknown>): Promise<McpError> {
  const error = await request.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

const text = (result: { contents: unknown[] }) =>
  (result.contents[0] as { text?: string } | undefined)?.text;

describe('resources and prompts through the gateway', () => {
  it("lists the persona's servers' resources, templates and prompts, named <server>__<name>", async () => {
    harness = await startHarness(SERVERS, { active: 'explorer' });
    const { client } = harness;
    const { resources } = await client.listResources();
    const static_ = resources.find((r) => r.uri.startsWith('demo://resource/static/document/'));
    expect(static_?.name).toMatch(/^everything__/);
    // The same URI from two servers: one gateway URI each.
    const shared = resources.filter((r) => r.name.endsWith('__shared')).map((r) => r.uri);
    expect(shared.sort()).toEqual(
      [gatewayUri('files', 'fixture://shared'), gatewayUri('files2', 'fixture://shared')].sort(),
    );
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.name)).toEqual(
      expect.arrayContaining(['files__file', 'files2__file']),
    );
    expect(resourceTemplates.some((t) => t.name.startsWith('everything__'))).toBe(true);
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'everything__simple-prompt',
        'everything__args-prompt',
        'files__review',
        'files2__review',
      ]),
    );

    const read = await client.readResource({ uri: static_!.uri });
    expect(text(read)).toBeTruthy();
    const two = gatewayUri('files2', 'fixture://shared');
    const viaGateway = await client.readResource({ uri: two });
    expect(viaGateway.contents).toEqual([{ uri: two, text: 'shared from two' }]);
    const clash = await rpcError(client.readResource({ uri: 'fixture://shared' }));
    expect(clash.code).toBe(ErrorCode.InvalidParams);
    expect(clash.message).toContain(gatewayUri('files', 'fixture://shared'));
    // A URI of a template (not listed): routed by matching the templates.
    const dynamic = await client.readResource({ uri: 'demo://resource/dynamic/text/7' });
    expect(text(dynamic)).toContain('7');

    const prompt = await client.getPrompt({
      name: 'everything__args-prompt',
      arguments: { city: 'Lisbon' },
    });
    expect(JSON.stringify(prompt.messages)).toContain('Lisbon');
    const review = await client.getPrompt({ name: 'files2__review', arguments: { path: 'a.ts' } });
    expect(JSON.stringify(review.messages)).toContain('Review a.ts (two)');
  });

  it('shows nothing of a server the persona does not allow, and refuses to read or get it', async () => {
    harness = await startHarness(SERVERS, { active: 'reader' });
    const { client } = harness;
    expect((await client.listResources()).resources).toEqual([]);
    expect((await client.listResourceTemplates()).resourceTemplates).toEqual([]);
    expect((await client.listPrompts()).prompts).toEqual([]);
    for (const request of [
      client.readResource({ uri: 'demo://resource/dynamic/text/1' }),
      client.readResource({ uri: gatewayUri('everything', 'demo://resource/dynamic/text/1') }),
      client.getPrompt({ name: 'everything__simple-prompt' }),
      client.getPrompt({ name: 'simple-prompt' }),
    ]) {
      const error = await rpcError(request);
      expect(error.code).toBe(ErrorCode.InvalidParams);
      expect(error.message).toMatch(/unknown (resource|prompt)/);
    }
  });

  it('refuses a file:// URI or prompt argument that names a restricted path', async () => {
    harness = await startHarness(
      { files: SERVERS.files, files2: SERVERS.files2 },
      { active: 'explorer' },
    );
    const { client, project } = harness;
    await mkdir(join(project, 'secrets'));
    await writeFile(join(project, 'secrets', 'key.txt'), 'the key');
    await writeFile(join(project, '.env'), 'TOKEN=x');
    await writeFile(join(project, 'notes.txt'), 'plain notes');
    const uri = (path: string) => pathToFileURL(join(project, path)).href;

    // Both servers have the template: a plain file URI is ambiguous, a gateway URI is not.
    const ambiguous = await rpcError(client.readResource({ uri: uri('notes.txt') }));
    expect(ambiguous.message).toContain('templates of 2 servers');
    const notes = await client.readResource({ uri: gatewayUri('files', uri('notes.txt')) });
    expect(text(notes)).toBe('plain notes');

    for (const path of ['secrets/key.txt', '.env']) {
      const refused = await rpcError(client.readResource({ uri: gatewayUri('files', uri(path)) }));
      expect(refused.code).toBe(ErrorCode.InvalidParams);
      expect(refused.message).toContain('restricted path for persona "explorer"');
    }
    const prompt = await rpcError(
      client.getPrompt({ name: 'files__review', arguments: { path: 'secrets/key.txt' } }),
    );
    expect(prompt.code).toBe(ErrorCode.InvalidParams);
    expect(prompt.message).toContain('restricted path');
  });

  it('sends resources and prompts list_changed on a switch, and when a server adds a resource', async () => {
    harness = await startHarness(SERVERS, { active: 'explorer' });
    const { client } = harness;
    const added = nextNotification(client, ResourceListChangedNotificationSchema);
    await client.callTool({
      name: 'everything__gzip-file-as-resource',
      arguments: { name: 'note.gz', data: `data:text/plain;base64,${btoa('hello')}` },
    });
    await added;
    await vi.waitFor(async () =>
      expect((await client.listResources()).resources.map((r) => r.uri)).toContain(
        'demo://resource/session/note.gz',
      ),
    );

    const resources = nextNotification(client, ResourceListChangedNotificationSchema);
    const prompts = nextNotification(client, PromptListChangedNotificationSchema);
    await harness.store.activate({
      name: 'reader',
      displayName: 'Reader',
      icon: '📖',
      source: 'test',
    });
    await Promise.all([resources, prompts]);
    await vi.waitFor(async () => expect((await client.listPrompts()).prompts).toEqual([]));
    expect((await client.listResources()).resources).toEqual([]);
  });
});
