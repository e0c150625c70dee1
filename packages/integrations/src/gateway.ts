// The MCP persona gateway alone (`@tta-dev/integrations/gateway`): what `tta mcp serve` loads,
// without the step runners, sandboxes, Logseq writers and clients of the full entry.

// MCP servers file (mcp_servers.json): schema, lookup, loading, errors
export { type EnvSource, type Expansion, expandEnv } from './mcp/config/expandEnv.js';
export {
  type FindMcpServersFileOptions,
  findMcpServersFile,
  type LoadedMcpServers,
  type LoadMcpServersOptions,
  loadMcpServers,
  PROJECT_MCP_SERVERS_FILE,
  USER_MCP_SERVERS_FILE,
} from './mcp/config/loadMcpServers.js';
export {
  isMcpConfigError,
  McpConfigError,
  type McpConfigErrorReason,
  type McpConfigIssue,
} from './mcp/config/McpConfigError.js';
export {
  type McpHttpServerConfig,
  type McpServerConfig,
  McpServerConfigSchema,
  type McpServersConfig,
  type McpServersConfigInput,
  McpServersConfigSchema,
  type McpStdioServerConfig,
  mcpServerNameProblem,
  mcpServerUrlProblem,
} from './mcp/config/McpServersConfig.js';
export { parseMcpServers } from './mcp/config/parseMcpServers.js';
// MCP persona gateway
export { createGatewayServer, GATEWAY_INFO } from './mcp/gateway/createGatewayServer.js';
export type { DownstreamState } from './mcp/gateway/Downstream.js';
export { DEFAULT_START_TIMEOUT_MS } from './mcp/gateway/Downstream.js';
export type { GatewayLog } from './mcp/gateway/GatewayLog.js';
export type {
  ActivePersonaSource,
  GatewayOptions,
  GatewaySession,
} from './mcp/gateway/PersonaGateway.js';
export {
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_LIST_WAIT_MS,
  DEFAULT_TOOLS_PAGE_SIZE,
  PersonaGateway,
} from './mcp/gateway/PersonaGateway.js';
export type { HttpGateway, ServeHttpOptions } from './mcp/gateway/serveHttp.js';
export {
  DEFAULT_MAX_SESSIONS,
  DEFAULT_SESSION_IDLE_MS,
  serveHttp,
} from './mcp/gateway/serveHttp.js';
export type { TokenUsage } from './mcp/gateway/TokenLedger.js';
export type { PersonaToolCost, ToolCatalog } from './mcp/tokens/personaToolCosts.js';
export { listAllTools, personaToolCosts } from './mcp/tokens/personaToolCosts.js';
// Shared memory: chosen by TTA_MEMORY or .tta/project.json (in process, Redis, PostgreSQL)
export {
  InvalidMemoryConfigError,
  isInvalidMemoryConfigError,
} from './memory/InvalidMemoryConfigError.js';
export { isMemoryBackendError, MemoryBackendError } from './memory/MemoryBackendError.js';
export {
  type MemorySetting,
  memorySettingOf,
  type OpenedMemoryBackend,
  type OpenMemoryBackendOptions,
  openMemoryBackend,
} from './memory/openMemoryBackend.js';
export {
  MEMORY_SCHEMA_VERSION,
  PostgresMemoryBackend,
  type PostgresMemoryBackendOptions,
} from './memory/PostgresMemoryBackend.js';
export {
  DEFAULT_REDIS_MEMORY_PREFIX,
  RedisMemoryBackend,
  type RedisMemoryBackendOptions,
} from './memory/RedisMemoryBackend.js';

// Bearer tokens of the HTTP transports
export { isLoopbackHost, tokenProblem } from './runServer/access.js';
