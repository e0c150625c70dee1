import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './freePort.js';
import { startProcess } from './startProcess.js';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`, no password, loopback only. */
  readonly url: string;
  readonly port: number;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts a real Redis from Debian's `redis-server` package in a new temporary folder, on a free
 * loopback port, without persistence, and resolves once it accepts connections.
 */
export async function startRedis(): Promise<RedisServer> {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'Redis is not installed: run `sh scripts/ensure-debian-packages.sh` (apt-get install redis-server)',
    );
  }
  const folder = mkdtempSync(join(tmpdir(), 'tta-redis-'));
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const server = await startProcess(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          folder,
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        /Ready to accept connections/,
      );
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        async stop() {
          await server.stop('SIGTERM');
          rmSync(folder, { recursive: true, force: true });
        },
      };
    } catch (error) {
      if (attempt < 3 && /Address already in use/.test(String(error))) continue;
      rmSync(folder, { recursive: true, force: true });
      throw error;
    }
  }
}
