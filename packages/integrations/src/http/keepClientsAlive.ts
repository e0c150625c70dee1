import type { Server } from 'node:http';

/**
 * Keeps idle connections open longer than clients do (fetch/undici closes its idle sockets after
 * 4 s, or the server's hint less one). With Node's default of 5 s, a request sent on a socket the
 * server is closing that instant fails with ECONNRESET: a race a busy machine makes likely.
 */
export function keepClientsAlive(server: Server): Server {
  server.keepAliveTimeout = 65_000;
  // Node wants the headers' limit above the idle one, or it may cut a slow request's headers.
  server.headersTimeout = 66_000;
  return server;
}
