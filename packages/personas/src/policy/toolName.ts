/** Separator between server and tool in the names the gateway exposes: `github__create_issue`. */
export const TOOL_SEPARATOR = '__';

/** The stable, collision-free name of a server's tool: `<server>__<tool>`. */
export function toolName(server: string, tool: string): string {
  return `${server}${TOOL_SEPARATOR}${tool}`;
}
