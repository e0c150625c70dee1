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
import type { McpServerConfig, McpStdioServerConfig } from '../config/McpServersConfig.js';
import { createGatewayServer } from './createGatewayServer.js';
import { type GatewayOptions, PersonaGateway } from './PersonaGateway.js';

const fixture = fileURLToPath(new URL('../fixtures/fixtureServer.mjs', import.meta.url));
const require = createRequire(import.meta.url);

/** A stdio config for the project's fixture server in `mode` (with the mode's arguments). */
export const fixtureServer = (mode: string, ...args: string[]): McpStdioServerConfig => ({
  transport: 'stdio',
  command: process.execPath,
  args: [fixture, mode, ...args],
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
      fx: [
        'echo',
        'env_report',
        'read_file',
        'merge_pull_request',
        'crash_now',
        'hang',
        'meta_report',
      ],
    },
    restrictedPaths: ['**/.env', 'secrets/**'],
    security: {
      allowEnvironmentAccess: ['FIXTURE_OK', 'FIXTURE_SECRET_*'],
      blockList: ['FIXTURE_SECRET_*'],
      requireApprovalFor: ['fx__merge_pull_request'],
    },
  },
  protocol: {
    name: 'protocol',
    displayName: 'Protocol',
    description: 'Every tool of the protocol fixtures.',
    tokenBudget: 100_000,
    allowedServers: ['fx', 'slow', 'never', 'progress'],
  },
  reader: {
    name: 'reader',
    displayName: 'Reader',
    description: 'Reads things.',
    tokenBudget: 1500,
    allowedServers: ['fx'],
    allowedTools: { fx: ['echo'] },
  },
  explorer: {
    name: 'explorer',
    displayName: 'Explorer',
    description: 'Reads resources and prompts, and answers servers.',
    tokenBudget: 100_000,
    allowedServers: ['everything', 'files', 'files2', 'fs'],
    allowedTools: {},
    restrictedPaths: ['**/.env', 'secrets/**'],
  },
};

export interface Harness {
  /** The TTA home folder (TTA_HOME): the active persona and the personas. */
  readonly home: string;
  /** The project folder: the gateway's working folder. */
  readonly project: string;
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
    /** The project folder, made beforehand (servers may need its folders). Default: a new one. */
    project?: string;
    /** Personas to write into the TTA home. Default: `TEST_PERSONAS`. */
    personas?: readonly { readonly name: string }[];
    /** Wait for every server before connecting the client (as tests did when start waited). Default true. */
    ready?: boolean;
    /** Sets the client's request handlers before it connects. */
    setupClient?: (client: Client) => void;
  } = {},
): Promise<Harness> {
  const home = await mkdtemp(join(tmpdir(), 'tta-gateway-home-'));
  const project = options.project ?? (await mkdtemp(join(tmpdir(), 'tta-gateway-project-')));
  await mkdir(join(home, 'personas'));
  for (const persona of options.personas ?? Object.values(TEST_PERSONAS)) {
    await writeFile(join(home, 'personas', `${persona.name}.json`), JSON.stringify(persona));
  }
  const store = new PersonaStore({ home });
  const registry = await PersonaRegistry.load({ home, cwd: project });
  if (options.active !== undefined) {
    const { persona } = registry.resolve(options.active)!;
    await store.activate({ ...persona, source: 'test' });
  }
  const gateway = await PersonaGateway.start({
    servers,
    registry,
    store: new PersonaStore({ home }),
    cwd: project,
    restartDelayMs: 100,
    env: {
      PATH: process.env.PATH,
      FIXTURE_OK: 'yes',
      FIXTURE_SECRET_TOKEN: 'hidden',
      UNRELATED: 'no',
    },
    ...options.gateway,
  });
  if (options.ready ?? true) await gateway.ready();
  const waiters: (() => void)[] = [];
  const client = await connectClient(gateway, options.clientCapabilities, (c) => {
    c.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      for (const resolve of waiters.splice(0)) resolve();
    });
    options.setupClient?.(c);
  });
  return {
    home,
    project,
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
      await rm(project, { recursive: true, force: true });
    },
  };
}

/** A further SDK client connected to `gateway` through its own session; `setup` runs before. */
export async function connectClient(
  gateway: PersonaGateway,
  capabilities?: ConstructorParameters<typeof Client>[1],
  setup?: (client: Client) => void,
): Promise<Client> {
  const client = new Client({ name: 'test-client', version: '1.0.0' }, capabilities);
  setup?.(client);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createGatewayServer(gateway).connect(serverSide);
  await client.connect(clientSide);
  return client;
}

/** The text of a tool result's first content block. */
export const resultText = (result: unknown): string =>
  ((result as { content: { type: string; text?: string }[] }).content[0]?.text ?? '') as string;

/**
 * Resolves once `check` holds, asking again every 20 ms; rejects after `timeoutMs` (a safety
 * net for a state that never comes, not a time the test measures).
 */
export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
