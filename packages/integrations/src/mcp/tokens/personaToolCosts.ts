import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { checkTool, type Persona, toolName } from '@tta-dev/personas';
import type { McpServerConfig } from '../config/McpServersConfig.js';
import { Downstream } from '../gateway/Downstream.js';
import type { GatewayLog } from '../gateway/GatewayLog.js';
import { loadTokenizer } from './loadTokenizer.js';

/** Every configured server's tools, listed live; servers that fail to start are reported. */
export interface ToolCatalog {
  readonly tools: Readonly<Record<string, readonly Tool[]>>;
  readonly failed: Readonly<Record<string, string>>;
}

/** Starts each server once (in parallel), lists its tools and stops it. */
export async function listAllTools(
  servers: Readonly<Record<string, McpServerConfig>>,
  options: { env?: Record<string, string>; log?: GatewayLog } = {},
): Promise<ToolCatalog> {
  const tools: Record<string, readonly Tool[]> = {};
  const failed: Record<string, string> = {};
  await Promise.all(
    Object.entries(servers).map(async ([name, config]) => {
      const downstream = new Downstream(name, config, {
        env: options.env ?? {},
        log: options.log ?? (() => undefined),
        onToolsChanged: () => undefined,
      });
      await downstream.start();
      if (downstream.state === 'ready') tools[name] = downstream.tools;
      else failed[name] = downstream.lastError ?? 'did not start';
      await downstream.stop();
    }),
  );
  return { tools, failed };
}

export interface PersonaToolCost {
  readonly persona: string;
  readonly tools: number;
  readonly tokens: number;
  readonly tokenBudget: number;
  /** tokens / tokens of the unscoped list. */
  readonly share: number;
  readonly overBudget: boolean;
}

/**
 * What each persona's tool list costs in tokens, against the unscoped list of every server's
 * tools: the saving personas exist for.
 */
export async function personaToolCosts(
  personas: readonly Persona[],
  catalog: ToolCatalog,
): Promise<{ unscoped: { tools: number; tokens: number }; personas: PersonaToolCost[] }> {
  const { countToolTokens } = await loadTokenizer();
  const named = (server: string, tool: Tool): Tool => ({
    ...tool,
    name: toolName(server, tool.name),
  });
  const all = Object.entries(catalog.tools).flatMap(([server, tools]) =>
    tools.map((t) => named(server, t)),
  );
  const unscoped = { tools: all.length, tokens: countToolTokens(all) };
  return {
    unscoped,
    personas: personas.map((persona) => {
      const visible = persona.allowedServers.flatMap((server) =>
        (catalog.tools[server] ?? [])
          .filter((t) => checkTool(persona, server, t.name).allowed)
          .map((t) => named(server, t)),
      );
      const tokens = countToolTokens(visible);
      return {
        persona: persona.name,
        tools: visible.length,
        tokens,
        tokenBudget: persona.tokenBudget,
        share: unscoped.tokens === 0 ? 0 : tokens / unscoped.tokens,
        overBudget: tokens > persona.tokenBudget,
      };
    }),
  };
}
