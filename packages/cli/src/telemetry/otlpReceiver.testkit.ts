import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Collected {
  readonly path: string;
  readonly body: unknown;
}

/** A loopback OTLP/HTTP (JSON) receiver: what a collector would get. */
export async function startCollector(): Promise<{
  server: Server;
  url: string;
  received: Collected[];
}> {
  const received: Collected[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
  };
}
