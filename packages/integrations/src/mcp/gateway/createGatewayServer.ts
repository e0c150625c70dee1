import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { GatewaySession, PersonaGateway } from './PersonaGateway.js';

export const GATEWAY_INFO = { name: 'tta-persona-gateway', version: '0.0.0' } as const;

/**
 * One MCP server session in front of the gateway. Each session (the stdio one, or one per HTTP
 * session) gets its own `notifications/tools/list_changed` when the persona or a server's tools
 * change. Actions that need approval are asked through elicitation when the client supports it.
 */
export function createGatewayServer(gateway: PersonaGateway): Server {
  const server = new Server(GATEWAY_INFO, {
    capabilities: { tools: { listChanged: true } },
    instructions:
      'Tools are scoped to the active persona and named <server>__<tool>. Use persona_switch to change role, and memory_* to pass context between personas.',
  });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: gateway.listToolsForClient(),
  }));
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
    return gateway.callTool(request.params.name, request.params.arguments, session);
  });
  let connected = false;
  server.oninitialized = () => {
    connected = true;
  };
  const dispose = gateway.onToolsChanged(() => {
    if (connected) server.sendToolListChanged().catch(() => undefined);
  });
  server.onclose = () => dispose();
  return server;
}
