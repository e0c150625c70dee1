// Test-only: personas, fixture servers and a connected SDK client around a PersonaGateway.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { PersonaRegistry, PersonaStore } from '@tta-dev/personas';
import type { McpServerConfig } from '../config/McpServersConfig.js';
import { createGatewayServer } from './createGatewayServer.js';
import { type GatewayOptions, PersonaGateway } from './PersonaGateway.js';

const fixture = fileURLToPath(new URL('../fixtures/fixtureServer.mjs', import.meta.url));
const require = createRequire(import.meta.url);

/** A stdio config for the project's fixture server in `mode`. */
export const fixtureServer = (mode: string): McpServerConfig => ({
  transport: 'stdio',
  command: process.execPath,
  args: [fixture, mode],
  env: {},
});

/** A stdio config for a published server installed from npm, run with node directly. */
export function publishedServer(pkg: string, ...args: string[]): McpServerConfig {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = require(manifest) as { bin: Record<string, string> };
  return {
    transport: 'stdio',
    command: process.execPath,
    args: [join(dirname(manifest), Object.values(bin)[0]!), ...args],
    env: {},
  };
}

/** Personas the gateway tests switch between. */
export const TEST_PERSONAS = {
  builder: {
    name: 'builder',
    displayName: 'Builder',
    description: 'Builds things.',
    aliases: ['b'],
    tokenBudget: 1800,
    allowedServers: ['fx', 'changing'],
    allowedTools: {
      fx: ['echo', 'env_report', 'read_file', 'merge_pull_request', 'crash_now', 'hang'],
    },
    restrictedPaths: ['**/.env', 'secrets/**'],
    security: {
      allowEnvironmentAccess: ['FIXTURE_OK', 'FIXTURE_SECRET_*'],
      blockList: ['FIXTURE_SECRET_*'],
      requireApprovalFor: ['fx__merge_pull_request'],
    },
  },
  reader: {
    name: 'reader',
    displayName: 'Reader',
    description: 'Reads things.',
    tokenBudget: 1500,
    allowedServers: ['fx'],
    allowedTools: { fx: ['echo'] },
  },
};

export interface Harness {
  readonly home: string;
  readonly gateway: PersonaGateway;
  readonly registry: PersonaRegistry;
  readonly client: Client;
  /** Another process's view of the store, to switch as `tta-persona` would. */
  readonly store: PersonaStore;
  readonly toolNames: () => Promise<string[]>;
  /** Resolves at the next tools/list_changed the client receives. */
  readonly nextListChanged: () => Promise<void>;
  readonly close: () => Promise<void>;
}

export async function startHarness(
  servers: Record<string, McpServerConfig>,
  options: {
    active?: string;
    gateway?: Partial<GatewayOptions>;
    clientCapabilities?: ConstructorParameters<typeof Client>[1];
  } = {},
): Promise<Harness> {
  const home = await mkdtemp(join(tmpdir(), 'tta-gateway-'));
  await mkdir(join(home, 'personas'));
  for (const persona of Object.values(TEST_PERSONAS)) {
    await writeFile(join(home, 'personas', `${persona.name}.json`), JSON.stringify(persona));
  }
  const store = new PersonaStore({ home });
  const registry = await PersonaRegistry.load({ home, cwd: home });
  if (options.active !== undefined) {
    const { persona } = registry.resolve(options.active)!;
    await store.activate({ ...persona, source: 'test' });
  }
  const gateway = await PersonaGateway.start({
    servers,
    registry,
    store: new PersonaStore({ home }),
    cwd: home,
    restartDelayMs: 100,
    env: {
      PATH: process.env.PATH,
      FIXTURE_OK: 'yes',
      FIXTURE_SECRET_TOKEN: 'hidden',
      UNRELATED: 'no',
    },
    ...options.gateway,
  });
  const client = new Client({ name: 'test-client', version: '1.0.0' }, options.clientCapabilities);
  const waiters: (() => void)[] = [];
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    for (const resolve of waiters.splice(0)) resolve();
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createGatewayServer(gateway).connect(serverSide);
  await client.connect(clientSide);
  return {
    home,
    gateway,
    registry,
    client,
    store,
    toolNames: async () => (await client.listTools()).tools.map((t) => t.name),
    nextListChanged: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: async () => {
      await client.close();
      await gateway.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** The text of a tool result's first content block. */
export const resultText = (result: unknown): string =>
  ((result as { content: { type: string; text?: string }[] }).content[0]?.text ?? '') as string;
