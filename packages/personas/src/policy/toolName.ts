/** Separator between server and tool in the names the gateway exposes: `github__create_issue`. */
export const TOOL_SEPARATOR = '__';

/** The stable, collision-free name of a server's tool: `<server>__<tool>`. */
export function toolName(server: string, tool: string): string {
  return `${server}${TOOL_SEPARATOR}${tool}`;
}

/**
 * The key of `allowedTools` that limits the gateway's own tools (`persona_switch`, `memory_*`,
 * `workflow_*`…): `allowedTools: { tta: ['persona_current', 'memory_*'] }`. Without it, a persona
 * may use all of them. It needs no entry in `allowedServers`.
 */
export const GATEWAY_TOOLS_KEY = 'tta';
