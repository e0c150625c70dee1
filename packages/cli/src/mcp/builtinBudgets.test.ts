// The built-ins' budgets cover their tools: the published filesystem and memory servers (this
// package's devDependencies) are started and listed, and what each built-in allows of them
// costs less than its budget, with room left for the servers that need a network or a token.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { listAllTools, personaToolCosts } from '@tta-dev/integrations';
import { BUILTIN_PERSONAS, PersonaSchema } from '@tta-dev/personas';
import { expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const stdio = (args: string[]) =>
  ({ transport: 'stdio', command: process.execPath, args, env: {} }) as const;
const builtins = BUILTIN_PERSONAS.map((p) => PersonaSchema.parse(p));
const binOf = (name: string) => {
  const manifest = require.resolve(`${name}/package.json`);
  const { bin } = require(manifest) as { bin: Record<string, string> };
  return join(dirname(manifest), Object.values(bin)[0]!);
};

it("each built-in's budget is above what its filesystem and memory tools cost", async () => {
  const catalog = await listAllTools({
    filesystem: stdio([binOf('@modelcontextprotocol/server-filesystem'), process.cwd()]),
    memory: stdio([binOf('@modelcontextprotocol/server-memory')]),
  });
  expect(catalog.failed).toEqual({});
  const { personas } = await personaToolCosts(builtins, catalog);
  for (const cost of personas) {
    const persona = builtins.find((p) => p.name === cost.persona)!;
    // Every built-in names memory; all but observability name filesystem too.
    expect(cost.tools, cost.persona).toBeGreaterThan(0);
    expect(cost.overBudget, `${cost.persona}: ${cost.tokens} of ${persona.tokenBudget}`).toBe(
      false,
    );
    expect(cost.tokens * 2, cost.persona).toBeLessThan(persona.tokenBudget);
  }
}, 300_000);
