// The public API of @tta-dev/integrations, listed by name.

// MCP persona gateway
export { createGatewayServer, GATEWAY_INFO } from './mcp/gateway/createGatewayServer.js';
export type { DownstreamConfig, DownstreamState } from './mcp/gateway/Downstream.js';
export type { GatewayLog } from './mcp/gateway/GatewayLog.js';
export type { GatewayOptions, GatewaySession } from './mcp/gateway/PersonaGateway.js';
export { DEFAULT_CALL_TIMEOUT_MS, PersonaGateway } from './mcp/gateway/PersonaGateway.js';
export type { HttpGateway, ServeHttpOptions } from './mcp/gateway/serveHttp.js';
export { serveHttp } from './mcp/gateway/serveHttp.js';
