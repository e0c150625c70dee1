import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';

/** How an assistant starts `tta mcp serve`. */
export interface GatewayServer {
  readonly command: string;
  readonly args: readonly string[];
}

/** Where the entry's command comes from, and why. */
export interface GatewayChoice {
  readonly server: GatewayServer;
  readonly from: 'npm' | 'local';
  readonly reason: string;
}

export const CLI_PACKAGE = '@tta-dev/cli';
const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

/** The version of this installation of `@tta-dev/cli`. */
export function cliVersion(): string {
  return VERSION;
}

/** `npx` fetching exactly `version` from npm: what another machine can start too. */
export function npxGatewayServer(version: string): GatewayServer {
  return { command: 'npx', args: ['-y', '-p', `${CLI_PACKAGE}@${version}`, 'tta', 'mcp', 'serve'] };
}

/** This very installation of tta (a global install, a clone), by absolute paths. */
export function localGatewayServer(): GatewayServer {
  return {
    command: process.execPath,
    args: [fileURLToPath(new URL('../bin/tta.js', import.meta.url)), 'mcp', 'serve'],
  };
}

/** The registry npm would ask (`npm_config_registry`, as npm passes it to scripts and reads it). */
export function npmRegistry(env: Readonly<Record<string, string | undefined>>): string {
  const set = env.npm_config_registry || env.NPM_CONFIG_REGISTRY || DEFAULT_REGISTRY;
  return set.endsWith('/') ? set : `${set}/`;
}

/**
 * Whether `name@version` can be fetched from the registry: its version document answers 200.
 * Any other answer, or none within `timeoutMs` (offline), is "no".
 */
export async function isPublished(
  name: string,
  version: string,
  registry: string,
  timeoutMs = 5000,
): Promise<boolean> {
  const url = `${registry}${name.replace('/', '%2f')}/${encodeURIComponent(version)}`;
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * The pinned `npx` entry when this version of `@tta-dev/cli` is on the registry, else this
 * installation by absolute paths (see docs/decisions.md, "What tta mcp install starts").
 */
export async function chooseGatewayServer(options: {
  readonly local: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly version?: string;
}): Promise<GatewayChoice> {
  if (options.local)
    return { server: localGatewayServer(), from: 'local', reason: '--local: this installation' };
  const version = options.version ?? cliVersion();
  const registry = npmRegistry(options.env);
  if (await isPublished(CLI_PACKAGE, version, registry))
    return {
      server: npxGatewayServer(version),
      from: 'npm',
      reason: `${CLI_PACKAGE}@${version} is on ${registry}`,
    };
  return {
    server: localGatewayServer(),
    from: 'local',
    reason: `${CLI_PACKAGE}@${version} is not on ${registry}: this installation starts it`,
  };
}
