// Test-only: a project with secrets, links and configuration, served through the gateway to a
// hostile assistant, with real servers (server-filesystem, server-memory, the fixture server).
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type ClientCapabilities,
  ListRootsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig, McpStdioServerConfig } from '../config/McpServersConfig.js';
import {
  fixtureServer,
  type Harness,
  publishedServer,
  resultText,
  startHarness,
} from './gateway.testkit.js';

const FS_TOOLS = [
  'read_file',
  'read_text_file',
  'read_multiple_files',
  'write_file',
  'edit_file',
  'create_directory',
  'list_directory',
  'list_directory_with_sizes',
  'directory_tree',
  'move_file',
  'search_files',
  'get_file_info',
  'list_allowed_directories',
];

/** The personas of the lab: a developer, a narrow reviewer, and an admin to escalate to. */
export const LAB_PERSONAS = [
  {
    name: 'dev',
    displayName: 'Developer',
    description: 'Works on the code, never on secrets.',
    tokenBudget: 100_000,
    allowedServers: ['fs', 'fx', 'memory', 'fxhome', 'fsroots'],
    allowedTools: {
      fs: FS_TOOLS,
      fsroots: FS_TOOLS,
      fx: ['echo', 'read_file', 'env_report', 'merge_pull_request'],
    },
    restrictedPaths: ['**/.env', 'secrets/**', '~/.ssh/**', 'caf\u00e9/**'],
    security: {
      allowEnvironmentAccess: ['LAB_TOKEN', 'LAB_OK'],
      requireApprovalFor: ['fx__merge_pull_request', 'journal_record'],
    },
  },
  {
    name: 'narrow',
    displayName: 'Reviewer',
    description: 'Reads, and may not change roles by itself.',
    tokenBudget: 100_000,
    allowedServers: ['fx'],
    allowedTools: {
      fx: ['echo', 'env_report'],
      tta: ['persona_current', 'persona_list', 'memory_get', 'memory_search'],
    },
    security: { allowEnvironmentAccess: ['LAB_*'], blockList: ['LAB_TOKEN'] },
  },
  {
    name: 'admin',
    displayName: 'Administrator',
    description: 'Everything, nothing restricted: what an attacker wants to become.',
    aliases: ['root'],
    tokenBudget: 100_000,
    allowedServers: ['fs', 'fx', 'memory', 'vault', 'fxhome'],
    security: { requireApprovalFor: ['memory_add'] },
  },
] as const;

export interface AttackLab {
  readonly harness: Harness;
  readonly project: string;
  /** The user's home as the servers and the gateway see it (`~`). */
  readonly home: string;
  readonly close: () => Promise<void>;
}

const FILES: Record<string, string> = {
  '.env': 'API_KEY=project-secret\n',
  'config/.env': 'DB=secret\n',
  'secrets/key.pem': 'PRIVATE KEY\n',
  'secrets/deep/token.txt': 'TOKEN\n',
  'src/index.ts': 'export const ok = true;\n',
  'src/keynote.md': 'public notes about a key\n',
  'allowed/readme.md': 'public\n',
  'caf\u00e9/menu.txt': 'secret menu\n',
  'README.md': '# lab\n',
  '.hypertool/mcp_servers.json': '{ "mcpServers": {} }\n',
  '.hypertool/personas/README.md': 'project personas\n',
  '.tta/workflows/ship.yaml': 'name: ship\n',
  '.git/hooks/README': 'hooks\n',
  '.git/config': '[core]\n',
};

/** Builds the lab and starts the gateway on it with `persona` active. */
export async function startAttackLab(
  persona: 'dev' | 'narrow' | 'admin',
  options: {
    capabilities?: ClientCapabilities;
    /** The client's roots (folders), answered to roots/list; declares the roots capability. */
    roots?: (lab: { project: string; home: string }) => string[];
  } = {},
): Promise<AttackLab> {
  const root = await mkdtemp(join(tmpdir(), 'tta-attack-'));
  const project = join(root, 'project');
  const home = join(root, 'home');
  for (const [path, content] of Object.entries(FILES)) {
    await mkdir(dirname(join(project, path)), { recursive: true });
    await writeFile(join(project, path), content);
  }
  await mkdir(join(home, '.ssh'), { recursive: true });
  await writeFile(join(home, '.ssh/id_rsa'), 'SSH PRIVATE KEY\n');
  const links: Record<string, string> = {
    'allowed/env-link': '../.env',
    'allowed/secrets-link': '../secrets',
    'allowed/chain': 'env-link',
    'allowed/home-link': home,
    'allowed/new-env': '../config/new/.env', // dangling: a write would create a restricted file
    'allowed/servers-link': '../.hypertool/mcp_servers.json',
    'allowed/readme-link': 'readme.md',
    'allowed/deep-link': '../secrets/deep',
  };
  for (const [path, target] of Object.entries(links)) await symlink(target, join(project, path));

  const servers: Record<string, McpServerConfig> = {
    // The home folder first: server-filesystem resolves relative paths against it.
    fs: publishedServer('@modelcontextprotocol/server-filesystem', home, project),
    // Started on the project only: the client's roots, once it gives them, replace that.
    fsroots: publishedServer('@modelcontextprotocol/server-filesystem', project),
    fx: fixtureServer('tools'),
    fxhome: { ...(fixtureServer('tools') as McpStdioServerConfig), cwd: home },
    memory: publishedServer('@modelcontextprotocol/server-memory'),
    vault: fixtureServer('tools'),
  };
  const harness = await startHarness(servers, {
    active: persona,
    project,
    personas: LAB_PERSONAS,
    ...(options.capabilities === undefined && options.roots === undefined
      ? {}
      : {
          clientCapabilities: {
            capabilities: {
              ...options.capabilities,
              ...(options.roots === undefined ? {} : { roots: { listChanged: true } }),
            },
          },
        }),
    ...(options.roots === undefined
      ? {}
      : {
          setupClient: (client: Client) =>
            client.setRequestHandler(ListRootsRequestSchema, () => ({
              roots: options.roots!({ project, home }).map((dir) => ({
                uri: pathToFileURL(dir).href,
                name: 'root',
              })),
            })),
        }),
    gateway: {
      home,
      env: { PATH: process.env.PATH, HOME: home, LAB_TOKEN: 'lab-token-value', LAB_OK: 'yes' },
    },
  });
  return {
    harness,
    project,
    home,
    close: async () => {
      await harness.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Calls a tool as the assistant would; the result's text and whether it is an error. */
export async function attempt(
  lab: AttackLab,
  name: string,
  args: Record<string, unknown>,
): Promise<{ readonly text: string; readonly isError: boolean }> {
  let result: Awaited<ReturnType<typeof lab.harness.client.callTool>>;
  try {
    result = await lab.harness.client.callTool({ name, arguments: args });
  } catch (error) {
    // A protocol error (an unknown tool is -32602): refused as surely as an error result.
    if (error instanceof McpError) return { text: error.message, isError: true };
    throw error;
  }
  const texts = (result.content as { type: string; text?: string }[])
    .map((c) => c.text ?? '')
    .join('\n');
  return { text: texts || resultText(result), isError: result.isError === true };
}
