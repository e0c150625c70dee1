import { describe, expect, it } from 'vitest';
import { PUBLISHED_TOOLS } from '../catalog/publishedTools.js';
import { matchesAny } from '../policy/matchers.js';
import { filterEnvironment } from '../policy/policy.js';
import { TOOL_SEPARATOR } from '../policy/toolName.js';
import { PersonaSchema } from '../schema/PersonaSchema.js';
import { BUILTIN_PERSONAS } from './index.js';

const personas = BUILTIN_PERSONAS.map((input) => PersonaSchema.parse(input));
const byName = personas.map((p) => [p.name, p] as const);

/** Every (persona, server) of the built-ins' allowedTools, with its globs. */
const toolGlobs = personas.flatMap((p) =>
  Object.entries(p.allowedTools).map(([server, globs]) => [p.name, server, globs] as const),
);

/** Every approval rule that names a tool (`<server>__<glob>`), not a command (`run:`). */
const toolApprovals = personas.flatMap((p) =>
  p.security.requireApprovalFor
    .filter((rule) => !rule.startsWith('run:'))
    .map((rule) => [p.name, rule] as const),
);

describe('built-in personas', () => {
  it('are the six of the design', () => {
    expect(personas.map((p) => p.name)).toEqual([
      'tta-backend-engineer',
      'tta-frontend-engineer',
      'tta-testing-specialist',
      'tta-observability-expert',
      'tta-devops-engineer',
      'tta-data-scientist',
    ]);
  });

  it.each(BUILTIN_PERSONAS.map((p) => [p.name, p] as const))('%s passes PersonaSchema', (_, p) => {
    const result = PersonaSchema.safeParse(p);
    expect(result.error?.issues).toBeUndefined();
  });

  // Budgets come from `tta mcp tokens` on the servers each persona names (docs/personas.md);
  // packages/cli/src/mcp/builtinBudgets.test.ts checks them against live servers.
  it.each(byName)('%s has an alias, a chat mode and a budget in whole thousands', (_, p) => {
    expect(p.aliases.length).toBeGreaterThan(0);
    expect(p.chatmodes.length).toBeGreaterThan(0);
    expect(p.tokenBudget % 1000).toBe(0);
  });

  it.each(byName)('%s lists tools only of servers it allows', (_, p) => {
    for (const server of Object.keys(p.allowedTools)) expect(p.allowedServers).toContain(server);
  });

  it.each(byName)('%s uses only servers of the published catalogue', (_, p) => {
    for (const server of p.allowedServers) expect(Object.keys(PUBLISHED_TOOLS)).toContain(server);
  });

  it('have names, aliases and chat modes that resolve to one persona only', () => {
    const owners = new Map<string, string[]>();
    for (const p of personas) {
      for (const key of new Set([p.name, ...p.aliases, ...p.chatmodes])) {
        owners.set(key, [...(owners.get(key) ?? []), p.name]);
      }
    }
    const shared = [...owners].filter(([, names]) => names.length > 1);
    expect(shared).toEqual([]);
  });

  it.each(byName)(
    '%s passes no AWS_* or NPM_TOKEN to a server, even when the environment has them',
    (_, p) => {
      const secrets = {
        AWS_ACCESS_KEY_ID: 'AKIA0000',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'session',
        AWS_PROFILE: 'prod',
        NPM_TOKEN: 'npm_0000',
      };
      // Everything the persona asks for, by a name matching each of its globs.
      const wanted = Object.fromEntries(
        p.security.allowEnvironmentAccess.map((glob) => [glob.replaceAll('*', 'X'), 'value']),
      );
      const { env, dropped } = filterEnvironment(p, { PATH: '/usr/bin', ...wanted, ...secrets });
      expect(Object.keys(env)).toContain('PATH');
      for (const name of Object.keys(secrets)) {
        expect(env).not.toHaveProperty(name);
        expect(dropped).toContainEqual({ name, reason: 'blocked' });
      }
      // The filter is not simply dropping everything: what the persona allows gets through.
      for (const name of Object.keys(wanted)) expect(env).toHaveProperty(name);
    },
  );

  describe('tool globs match tools that real servers publish', () => {
    it.each(toolGlobs)('%s: every glob for "%s" names a published tool', (_, server, globs) => {
      const published = PUBLISHED_TOOLS[server] ?? [];
      const unmatched = globs.filter(
        (glob) => !published.some((tool) => matchesAny([glob], tool) !== undefined),
      );
      expect(unmatched).toEqual([]);
    });

    it.each(toolApprovals)('%s: approval rule "%s" names an allowed, published tool', (_, rule) => {
      const [server = '', tool = ''] = rule.split(TOOL_SEPARATOR);
      const published = PUBLISHED_TOOLS[server] ?? [];
      expect(published.some((name) => matchesAny([tool], name) !== undefined)).toBe(true);
    });
  });
});
