import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { keepClientsAlive } from './keepClientsAlive.js';

it("keeps an idle connection open past Node's 5 s, so a client's next request is not reset", async () => {
  const server = keepClientsAlive(createServer((_req, res) => res.end('ok')));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const socket = connect(port, '127.0.0.1');
  let received = '';
  let ended = false;
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  socket.on('end', () => {
    ended = true;
  });
  const ask = () => socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
  const answers = () => received.split('HTTP/1.1 200').length - 1;
  try {
    ask();
    await expect.poll(answers, { timeout: 120_000 }).toBe(1);
    // Idle longer than Node's default keep-alive (5 s, closed at about 6 s): still open.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    expect(ended).toBe(false);
    ask();
    await expect.poll(answers, { timeout: 120_000 }).toBe(2);
  } finally {
    socket.destroy();
    server.close();
  }
});
