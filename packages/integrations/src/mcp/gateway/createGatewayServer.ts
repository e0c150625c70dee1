import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { GatewaySession, PersonaGateway } from './PersonaGateway.js';
import { serveCatalog } from './serveCatalog.js';

export const GATEWAY_INFO = { name: 'tta-persona-gateway', version: '0.0.0' } as const;

/**
 * One MCP server session in front of the gateway. Each session (the stdio one, or one per HTTP
 * session) gets its own `notifications/tools/list_changed` when the persona or a server's tools
 * change, and likewise for resources and prompts. Actions that need approval are asked through
 * elicitation when the client supports it. Downstream servers' requests (roots, sampling,
 * elicitation) reach a session through `gateway.relay`.
 */
export function createGatewayServer(gateway: PersonaGateway): Server {
  const server = new Server(GATEWAY_INFO, {
    capabilities: {
      tools: { listChanged: true },
      resources: { listChanged: true, subscribe: true },
      prompts: { listChanged: true },
    },
    instructions:
      'Tools are scoped to the active persona and named <server>__<tool>. Use persona_switch to change role, and memory_* to pass context between personas.',
  });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: gateway.listToolsForClient(),
  }));
  let connected = false;
  const relay = gateway.relay.attach(server);
  const disposeCatalog = serveCatalog(server, gateway, { relay, connected: () => connected });
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const session: GatewaySession =
      server.getClientCapabilities()?.elicitation === undefined
        ? {}
        : {
            approve: async (message) => {
              const answer = await server.elicitInput({
                message,
                requestedSchema: {
                  type: 'object',
                  properties: {
                    approve: { type: 'boolean', title: 'Approve', description: 'Run this action' },
                  },
                  required: ['approve'],
                },
              });
              return answer.action === 'accept' && answer.content?.approve === true;
            },
          };
    return relay.during(() =>
      gateway.callTool(request.params.name, request.params.arguments, session),
    );
  });
  server.oninitialized = () => {
    connected = true;
    relay.initialized();
  };
  const dispose = gateway.onToolsChanged(() => {
    if (connected) server.sendToolListChanged().catch(() => undefined);
  });
  server.onclose = () => {
    dispose();
    disposeCatalog();
    relay.closed();
  };
  return server;
}
