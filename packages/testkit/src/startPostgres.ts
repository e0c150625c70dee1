import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './freePort.js';
import { startProcess } from './startProcess.js';

const run = promisify(execFile);

export interface PostgresServer {
  /** `postgres://tta@127.0.0.1:<port>/postgres`: trust authentication, loopback only. */
  readonly url: string;
  readonly port: number;
  /** A URL of the same server for another database (created by `createDatabase`). */
  urlOf(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown) and removes its folder. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /**
   * fsync commits, as a production server does. Default: false (tests need no durability
   * across a machine crash, and an fsync per commit slows them); benchmarks pass true.
   */
  readonly fsync?: boolean;
}

/**
 * Starts a real PostgreSQL from Debian's `postgresql` package in a new temporary folder, on a
 * free loopback port, and resolves once it accepts connections. As root (CI), the server runs as
 * the `postgres` user, since PostgreSQL refuses to run as root.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const folder = mkdtempSync(join(tmpdir(), 'tta-pg-'));
  const data = join(folder, 'data');
  const sockets = join(folder, 'sockets');
  mkdirSync(sockets);
  // Spawned as that user directly (not through runuser, which keeps signals from the server).
  const as = await serverUser(folder, sockets);
  try {
    await run(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'tta', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
      as,
    );
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr ?? error}`);
  }
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const server = await startProcess(
        join(bin, 'postgres'),
        [
          '-D',
          data,
          '-p',
          String(port),
          '-k',
          sockets,
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          `fsync=${options.fsync ? 'on' : 'off'}`,
          '-c',
          'max_connections=200',
        ],
        /database system is ready to accept connections/,
        as,
      );
      const urlOf = (database: string) => `postgres://tta@127.0.0.1:${port}/${database}`;
      return {
        url: urlOf('postgres'),
        port,
        urlOf,
        async createDatabase(name) {
          await run(join(bin, 'createdb'), [
            '-h',
            '127.0.0.1',
            '-p',
            String(port),
            '-U',
            'tta',
            name,
          ]);
          return urlOf(name);
        },
        async stop() {
          // SIGINT: fast shutdown (rolls back open transactions, does not wait for clients as
          // SIGTERM's smart shutdown does).
          await server.stop('SIGINT');
          rmSync(folder, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // Another process took the port between freePort and the bind: try another one.
      if (attempt < 3 && /could not bind|Address already in use/.test(String(error))) continue;
      rmSync(folder, { recursive: true, force: true });
      throw error;
    }
  }
}

/** The folder of PostgreSQL's programs: Debian's newest `/usr/lib/postgresql/<v>/bin`. */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined)
    throw new Error(
      'PostgreSQL is not installed: run `sh scripts/ensure-debian-packages.sh` (apt-get install postgresql)',
    );
  return join(root, versions[0], 'bin');
}

/**
 * As root, the `postgres` user's ids (the server refuses to run as root), made owner of the
 * server's folders; otherwise none.
 */
async function serverUser(...folders: string[]): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout);
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout);
  for (const folder of folders) chownSync(folder, uid, gid);
  return { uid, gid };
}
