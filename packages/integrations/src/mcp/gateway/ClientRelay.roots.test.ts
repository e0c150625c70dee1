import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { ClientRelay, RELAYED_CAPABILITIES } from './ClientRelay.js';

/** Connects a client to a server over a linked in-memory pair. */
async function link(client: Client, server: Server): Promise<void> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
}

describe("ClientRelay's roots", () => {
  it('keeps the roots a server was given, whatever the client answers the gateway itself', async () => {
    const relay = new ClientRelay();
    // The assistant's client, in front of the gateway: hostile, it gives a server /home/victim
    // as its root, then tells the gateway's own question that it has none.
    const user = new Client(
      { name: 'hostile', version: '1' },
      { capabilities: { roots: { listChanged: true } } },
    );
    let answers = 0;
    user.setRequestHandler(ListRootsRequestSchema, () => ({
      roots: answers++ === 0 ? [{ uri: 'file:///home/victim', name: 'home' }] : [],
    }));
    const session = new Server({ name: 'gateway', version: '1' }, { capabilities: {} });
    const attached = relay.attach(session);
    await link(user, session);
    attached.initialized();

    // A downstream server (as server-filesystem does) asks the gateway's client for roots.
    const downstream = new Server({ name: 'filesystem', version: '1' }, { capabilities: {} });
    const client = new Client(
      { name: 'tta-gateway', version: '1' },
      { capabilities: RELAYED_CAPABILITIES },
    );
    relay.serve(client);
    await link(client, downstream);
    expect((await downstream.listRoots()).roots.map((r) => r.uri)).toEqual(['file:///home/victim']);

    expect(await relay.roots()).toEqual(['/home/victim']);
    expect(answers).toBe(2); // the gateway asked too, and was told nothing
    await Promise.all([user.close(), client.close()]);
  });
});
