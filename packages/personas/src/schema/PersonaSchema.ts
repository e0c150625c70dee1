import { z } from 'zod';
import { GATEWAY_TOOLS_KEY } from '../policy/toolName.js';

const name = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]*$/,
    'use lowercase letters, digits and dashes, starting with a letter or digit',
  );
const glob = z.string().min(1, 'a pattern must not be empty');
const list = <T extends z.ZodType>(item: T) => z.array(item).default([]);

export const PersonaContextSchema = z
  .object({
    primaryLanguage: z.string().optional().describe('Main language of the work, e.g. "typescript"'),
    frameworks: list(z.string()).describe('Frameworks the persona works with'),
    focusAreas: list(z.string()).describe('What the persona pays attention to'),
    keyFiles: list(glob).describe('Files worth reading first, as globs'),
  })
  .strict();

export const PersonaSecuritySchema = z
  .object({
    allowEnvironmentAccess: list(glob).describe(
      'Environment variables (globs) that the persona\'s MCP servers may receive, e.g. "GITHUB_*"',
    ),
    blockList: list(glob).describe(
      'Environment variables (globs) never passed to servers, even when allowed; wins over allowEnvironmentAccess',
    ),
    requireApprovalFor: list(glob).describe(
      'Actions that need a person\'s approval: tools as "<server>__<tool>" globs, commands as "run:<command>" globs',
    ),
  })
  .strict();

export const PersonaWorkflowsSchema = z
  .object({
    default: z.string().optional().describe('Workflow suggested first'),
    available: list(z.string()).describe('Workflows this persona takes part in'),
  })
  .strict();

/** A persona: the job profile an assistant works under, and what it may use. */
export const PersonaSchema = z
  .object({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors'),
    name: name.describe('Unique id, e.g. "tta-backend-engineer"'),
    displayName: z.string().min(1).describe('Name shown to people, e.g. "Backend Engineer"'),
    description: z.string().min(1).describe('What the persona is for, in a sentence or two'),
    icon: z.string().default('🧩').describe('An emoji shown beside the name'),
    aliases: list(name).describe('Short names that switch to it, e.g. "backend"'),
    chatmodes: list(name).describe('Chat mode names that resolve to it, e.g. "backend-developer"'),
    tokenBudget: z
      .number()
      .int()
      .positive()
      .describe("Tokens the persona's tool definitions and results may take per session"),
    allowedServers: list(z.string().min(1)).describe(
      'MCP servers (names in mcp_servers.json) it may use',
    ),
    allowedTools: z
      .record(z.string(), z.array(glob))
      .default({})
      .describe(
        'Per server, the tools it may use as globs (e.g. "get_*"); a server of allowedServers without an entry allows all its tools; "tta" limits the gateway\'s own tools',
      ),
    restrictedPaths: list(glob).describe('Paths (globs) it must not read or write, e.g. "**/.env"'),
    context: PersonaContextSchema.default({
      frameworks: [],
      focusAreas: [],
      keyFiles: [],
    }).describe('What the assistant should know about the work'),
    security: PersonaSecuritySchema.default({
      allowEnvironmentAccess: [],
      blockList: [],
      requireApprovalFor: [],
    }),
    workflows: PersonaWorkflowsSchema.default({ available: [] }),
  })
  .strict()
  .superRefine((persona, ctx) => {
    for (const server of Object.keys(persona.allowedTools)) {
      if (server !== GATEWAY_TOOLS_KEY && !persona.allowedServers.includes(server)) {
        ctx.addIssue({
          code: 'custom',
          path: ['allowedTools', server],
          message: `server "${server}" is not in allowedServers`,
        });
      }
    }
    const { default: preferred, available } = persona.workflows;
    if (preferred !== undefined && available.length > 0 && !available.includes(preferred)) {
      ctx.addIssue({
        code: 'custom',
        path: ['workflows', 'default'],
        message: `default workflow "${preferred}" is not in workflows.available`,
      });
    }
  });

/** A persona as written in a file (defaults not yet applied). */
export type PersonaInput = z.input<typeof PersonaSchema>;
/** A validated persona, defaults applied. */
export type Persona = z.output<typeof PersonaSchema>;
