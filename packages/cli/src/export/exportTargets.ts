import { expandToolGlobs, type Persona, TOOL_SEPARATOR } from '@tta-dev/personas';
import { stringify } from 'yaml';
import { instructions } from './instructions.js';

/** Assistants whose native persona format `tta-persona export` writes. */
export type ExportTarget = 'copilot' | 'claude' | 'cursor';
export const EXPORT_TARGETS: readonly ExportTarget[] = ['copilot', 'claude', 'cursor'];

/** One file to write, relative to the output folder. */
export interface ExportFile {
  readonly path: string;
  readonly content: string;
}

const frontMatter = (fields: Record<string, unknown>) =>
  `---\n${stringify(fields, { lineWidth: 0 }).trimEnd()}\n---\n\n`;

/**
 * The tools of a persona per server: exact names where its globs can be expanded against the
 * published tool names, or `*` for a server it allows whole (or whose tools are unknown).
 */
function toolsByServer(persona: Persona): { server: string; tools: readonly string[] | '*' }[] {
  return persona.allowedServers.map((server) => {
    const globs = persona.allowedTools[server];
    if (globs === undefined) return { server, tools: '*' };
    const expanded = expandToolGlobs(server, globs);
    return { server, tools: expanded ?? '*' };
  });
}

/** The tools section: per server, each tool by name, or only how many (when the front matter lists them). */
function toolList(persona: Persona, names: boolean): string {
  return toolsByServer(persona)
    .map(({ server, tools }) => {
      if (tools === '*') return `- **${server}**: all tools`;
      return `- **${server}**: ${names ? tools.map((t) => `\`${t}\``).join(', ') : `${tools.length} tools`}`;
    })
    .join('\n');
}

const GRANTED = 'The front matter grants exactly these MCP tools:\n\n';

/** How an assistant reaches the MCP servers: through the gateway entry `gateway`, or each directly. */
export interface ExportOptions {
  /** The gateway's name in the assistant's configuration (`tta mcp install --name`); `undefined`: none. */
  readonly gateway?: string;
}

/** The name `tta mcp install` gives the gateway entry by default. */
export const DEFAULT_GATEWAY_NAME = 'tta';

/** How an assistant spells an MCP tool, and a whole server. */
interface ToolNaming {
  tool(server: string, tool: string): string;
  server(server: string): string;
}

/**
 * The persona's MCP tools as the assistant will see them. Through the gateway the assistant sees
 * one server, the gateway entry, whose tools are `<server>__<tool>`: a server allowed whole is
 * listed by its published tools, or (tools unknown) as the whole gateway entry, which the gateway
 * narrows to the active persona.
 */
function mcpToolNames(persona: Persona, gateway: string | undefined, naming: ToolNaming): string[] {
  const names = toolsByServer(persona).flatMap(({ server, tools }) => {
    if (gateway === undefined)
      return tools === '*' ? [naming.server(server)] : tools.map((t) => naming.tool(server, t));
    const known = tools === '*' ? expandToolGlobs(server, ['*']) : tools;
    return known === undefined
      ? [naming.server(gateway)]
      : known.map((t) => naming.tool(gateway, `${server}${TOOL_SEPARATOR}${t}`));
  });
  return [...new Set(names)];
}

/**
 * VS Code / GitHub Copilot custom agent (`.github/agents/<name>.agent.md`, formerly chat modes):
 * MCP tools are referenced as `<server>/<tool>` or `<server>/*`.
 */
function copilot(persona: Persona, options: ExportOptions): ExportFile {
  const tools = mcpToolNames(persona, options.gateway, {
    tool: (server, tool) => `${server}/${tool}`,
    server: (server) => `${server}/*`,
  });
  return {
    path: `.github/agents/${persona.name}.agent.md`,
    content:
      frontMatter({ name: persona.displayName, description: persona.description, tools }) +
      instructions(persona, GRANTED + toolList(persona, false)),
  };
}

/**
 * Claude Code subagent (`.claude/agents/<name>.md`): `tools` is a comma-separated list; MCP
 * tools are `mcp__<server>__<tool>`, and `mcp__<server>` grants a whole server; through the
 * gateway a tool is `mcp__<gateway>__<server>__<tool>`.
 */
function claude(persona: Persona, options: ExportOptions): ExportFile {
  const mcp = mcpToolNames(persona, options.gateway, {
    tool: (server, tool) => `mcp__${server}${TOOL_SEPARATOR}${tool}`,
    server: (server) => `mcp__${server}`,
  });
  const writes =
    persona.allowedTools.filesystem === undefined ||
    expandToolGlobs('filesystem', persona.allowedTools.filesystem)?.some(
      (t) => t === 'write_file' || t === 'edit_file',
    );
  const native = ['Read', 'Grep', 'Glob', ...(writes ? ['Edit', 'Write', 'Bash'] : [])];
  return {
    path: `.claude/agents/${persona.name}.md`,
    content:
      frontMatter({
        name: persona.name,
        description: `${persona.description} Use for ${persona.displayName.toLowerCase()} work.`,
        tools: [...new Set([...native, ...mcp])].join(', '),
      }) + instructions(persona, GRANTED + toolList(persona, false)),
  };
}

/**
 * Cursor project rule (`.cursor/rules/<name>.mdc`): applied by the agent when its description
 * fits, or automatically to the persona's key files (`globs`). Cursor rules cannot limit tools,
 * so the tool list is guidance.
 */
function cursor(persona: Persona): ExportFile {
  return {
    path: `.cursor/rules/${persona.name}.mdc`,
    content:
      frontMatter({
        description: `${persona.displayName}: ${persona.description}`,
        globs: persona.context.keyFiles.join(','),
        alwaysApply: false,
      }) +
      instructions(
        persona,
        `Use only these MCP tools while working as ${persona.displayName}:\n\n${toolList(persona, true)}`,
      ),
  };
}

/** The file that represents `persona` for `target`. */
export function exportPersona(
  persona: Persona,
  target: ExportTarget,
  options: ExportOptions = { gateway: DEFAULT_GATEWAY_NAME },
): ExportFile {
  switch (target) {
    case 'copilot':
      return copilot(persona, options);
    case 'claude':
      return claude(persona, options);
    case 'cursor':
      return cursor(persona);
  }
}
