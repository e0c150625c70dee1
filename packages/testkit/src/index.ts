// Test helpers shared by the packages' tests. Private: never published.
export { freePort } from './freePort.js';
export { type PostgresServer, type StartPostgresOptions, startPostgres } from './startPostgres.js';
export { READY_LIMIT_MS, type StartedProcess, startProcess } from './startProcess.js';
export { type RedisServer, startRedis } from './startRedis.js';
