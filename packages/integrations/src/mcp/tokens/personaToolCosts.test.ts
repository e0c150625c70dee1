import { PersonaSchema } from '@tta-dev/personas';
import { describe, expect, it } from 'vitest';
import { fixtureServer, publishedServer } from '../gateway/gateway.testkit.js';
import { listAllTools, personaToolCosts } from './personaToolCosts.js';

describe('personaToolCosts', () => {
  it('lists every server live and prices each persona against the unscoped list', async () => {
    const catalog = await listAllTools({
      fx: fixtureServer('tools'),
      everything: publishedServer('@modelcontextprotocol/server-everything'),
      broken: fixtureServer('broken'),
    });
    expect(Object.keys(catalog.tools).sort()).toEqual(['everything', 'fx']);
    expect(Object.keys(catalog.failed)).toEqual(['broken']);
    const narrow = PersonaSchema.parse({
      name: 'narrow',
      displayName: 'Narrow',
      description: 'd',
      tokenBudget: 50,
      allowedServers: ['fx'],
      allowedTools: { fx: ['echo'] },
    });
    const wide = PersonaSchema.parse({
      name: 'wide',
      displayName: 'Wide',
      description: 'd',
      tokenBudget: 100_000,
      allowedServers: ['fx', 'everything'],
    });
    const costs = await personaToolCosts([narrow, wide], catalog);
    const total = catalog.tools.fx!.length + catalog.tools.everything!.length;
    expect(costs.unscoped.tools).toBe(total);
    const [n, w] = costs.personas;
    expect(n).toMatchObject({ persona: 'narrow', tools: 1, overBudget: true });
    expect(n!.tokens).toBeGreaterThan(10);
    expect(n!.share).toBeLessThan(0.2);
    expect(w).toMatchObject({
      persona: 'wide',
      tools: total,
      tokens: costs.unscoped.tokens,
      share: 1,
      overBudget: false,
    });
  });
});
