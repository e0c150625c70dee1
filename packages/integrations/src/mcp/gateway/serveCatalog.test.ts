import {
  ErrorCode,
  McpError,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureServer, type Harness, publishedServer, startHarness } from './gateway.testkit.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('resource subscriptions through the gateway', () => {
  it("relays a subscribed resource's updates from server-everything to the client", async () => {
    harness = await startHarness(
      {
        everything: publishedServer('@modelcontextprotocol/server-everything'),
        files: fixtureServer('files', 'one'),
      },
      { active: 'explorer' },
    );
    const { client } = harness;
    const uri = 'demo://resource/dynamic/text/3';
    const updated = new Promise<string>((resolve) =>
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) =>
        resolve(n.params.uri),
      ),
    );
    await client.subscribeResource({ uri });
    // The tool sends an update for every subscribed URI at once, then every few seconds.
    await client.callTool({ name: 'everything__toggle-subscriber-updates', arguments: {} });
    expect(await updated).toBe(uri);
    await client.callTool({ name: 'everything__toggle-subscriber-updates', arguments: {} });
    await client.unsubscribeResource({ uri });

    // Refused: a server that takes no subscriptions, and a URI no allowed server offers.
    for (const [target, message] of [
      ['fixture://shared', 'does not support resource subscriptions'],
      ['secret://nowhere', 'unknown resource'],
    ] as const) {
      const error = await client.subscribeResource({ uri: target }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(McpError);
      expect((error as McpError).code).toBe(ErrorCode.InvalidParams);
      expect((error as McpError).message).toContain(message);
    }
  });
});
