import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ErrorCode,
  type JSONRPCRequest,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import type { GatewaySession, PersonaGateway } from './PersonaGateway.js';
import { serveCatalog } from './serveCatalog.js';
import { toolsPage } from './toolsPage.js';

export const GATEWAY_INFO = { name: 'tta-persona-gateway', version: '0.0.0' } as const;

/**
 * One MCP server session in front of the gateway. Each session (the stdio one, or one per HTTP
 * session) gets its own `notifications/tools/list_changed` when the persona or a server's tools
 * change, and likewise for resources and prompts. Actions that need approval are asked through
 * elicitation when the client supports it. A call carries the client's cancellation and, when
 * asked for, relays the downstream progress. Downstream servers' requests (roots, sampling,
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
  let connected = false;
  const relay = gateway.relay.attach(server);
  const disposeCatalog = serveCatalog(server, gateway, { relay, connected: () => connected });
  server.setRequestHandler(ListToolsRequestSchema, async (request) => {
    const cursor = request.params?.cursor;
    // Right after a switch, servers still starting get a moment (listWaitMs), never initialize.
    if (cursor === undefined) await gateway.settled();
    // A listing from its first page is what the client is shown; its tokens are counted once.
    const tools = cursor === undefined ? gateway.listToolsForClient() : gateway.listTools();
    return toolsPage(tools, cursor, gateway.toolsPageSize);
  });
  // tools/call is answered here rather than by a setRequestHandler, whose validation turns a
  // missing name into a zod dump: a bad request is a clear -32602 (InvalidParams) instead.
  server.fallbackRequestHandler = async (request, extra) => {
    if (request.method !== 'tools/call')
      throw new McpError(ErrorCode.MethodNotFound, `method not found: ${request.method}`);
    const { name, args, progressToken } = callParams(request);
    // Progress relayed under the client's own token; all sent before the result, or the client
    // would drop the late ones.
    const relayed: Promise<void>[] = [];
    const session: GatewaySession = {
      signal: extra.signal,
      ...(progressToken === undefined
        ? {}
        : {
            onProgress: (progress) =>
              relayed.push(
                extra
                  .sendNotification({
                    method: 'notifications/progress',
                    params: { ...progress, progressToken },
                  })
                  .catch(() => undefined),
              ),
          }),
      ...(server.getClientCapabilities()?.elicitation === undefined
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
          }),
    };
    const result = await relay.during(() => gateway.callTool(name, args, session));
    await Promise.all(relayed);
    return result;
  };
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

/** The name, arguments and progress token of a tools/call, or -32602 saying what is wrong. */
function callParams(request: JSONRPCRequest): {
  name: string;
  args: Record<string, unknown> | undefined;
  progressToken: string | number | undefined;
} {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const invalid = (message: string) => new McpError(ErrorCode.InvalidParams, message);
  if (typeof params.name !== 'string' || params.name === '')
    throw invalid('tools/call needs "name", the name of a tool from tools/list');
  const args = params.arguments;
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args)))
    throw invalid(`tools/call "arguments" must be an object, got ${JSON.stringify(args)}`);
  const token = (params._meta as { progressToken?: unknown } | undefined)?.progressToken;
  return {
    name: params.name,
    args: args as Record<string, unknown> | undefined,
    progressToken: typeof token === 'string' || typeof token === 'number' ? token : undefined,
  };
}
