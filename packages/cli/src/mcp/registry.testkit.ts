import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in npm registry on 127.0.0.1 that knows `published` ("@scope/name@version") only. */
export async function startRegistry(published: readonly string[]) {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(request.url ?? '/').slice(1);
    requests.push(path);
    const at = path.lastIndexOf('/');
    const id = `${path.slice(0, at)}@${path.slice(at + 1)}`;
    if (published.includes(id)) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ name: path.slice(0, at), version: path.slice(at + 1) }));
    } else {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":"Not found"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
