import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { GatewaySession, PersonaGateway } from './PersonaGateway.js';
import { serveSubscriptions } from './ResourceSubscriptions.js';

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
  const relay = gateway.relay.attach(server);
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: gateway.listResources(),
  }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: gateway.listResourceTemplates(),
  }));
  server.setRequestHandler(ReadResourceRequestSchema, (request) =>
    relay.during(() => gateway.readResource(request.params.uri)),
  );
  const disposeSubscriptions = serveSubscriptions(server, gateway);
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({
    prompts: gateway.listPrompts(),
  }));
  server.setRequestHandler(GetPromptRequestSchema, (request) =>
    relay.during(() => gateway.getPrompt(request.params.name, request.params.arguments)),
  );
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
  let connected = false;
  server.oninitialized = () => {
    connected = true;
    relay.initialized();
  };
  const dispose = gateway.onToolsChanged(() => {
    if (connected) server.sendToolListChanged().catch(() => undefined);
  });
  const disposeLists = gateway.onListChanged((list) => {
    if (!connected) return;
    const send =
      list === 'resources' ? server.sendResourceListChanged() : server.sendPromptListChanged();
    send.catch(() => undefined);
  });
  server.onclose = () => {
    dispose();
    disposeLists();
    disposeSubscriptions();
    relay.closed();
  };
  return server;
}
