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

/**
 * VS Code / GitHub Copilot custom agent (`.github/agents/<name>.agent.md`, formerly chat modes):
 * MCP tools are referenced as `<server>/<tool>` or `<server>/*`.
 */
function copilot(persona: Persona): ExportFile {
  const tools = toolsByServer(persona).flatMap(({ server, tools }) =>
    tools === '*' ? [`${server}/*`] : tools.map((t) => `${server}/${t}`),
  );
  return {
    path: `.github/agents/${persona.name}.agent.md`,
    content:
      frontMatter({ name: persona.displayName, description: persona.description, tools }) +
      instructions(persona, GRANTED + toolList(persona, false)),
  };
}

/** How an assistant reaches the MCP servers: through the gateway entry `gateway`, or each directly. */
export interface ExportOptions {
  /** The gateway's name in the assistant's configuration (`tta mcp install --name`); `undefined`: none. */
  readonly gateway?: string;
}

/** The name `tta mcp install` gives the gateway entry by default. */
export const DEFAULT_GATEWAY_NAME = 'tta';

/**
 * Claude Code subagent (`.claude/agents/<name>.md`): `tools` is a comma-separated list; MCP
 * tools are `mcp__<server>__<tool>`, and `mcp__<server>` grants a whole server. Through the
 * gateway the server is the gateway entry and its tools are `<server>__<tool>`, so a tool is
 * `mcp__<gateway>__<server>__<tool>`; a server allowed whole is listed by its published tools,
 * or (tools unknown) as `mcp__<gateway>`, which the gateway narrows to the active persona.
 */
function claude(persona: Persona, options: ExportOptions): ExportFile {
  const { gateway } = options;
  const mcp = toolsByServer(persona).flatMap(({ server, tools }) => {
    if (gateway === undefined)
      return tools === '*'
        ? [`mcp__${server}`]
        : tools.map((t) => `mcp__${server}${TOOL_SEPARATOR}${t}`);
    const names = tools === '*' ? expandToolGlobs(server, ['*']) : tools;
    return names === undefined
      ? [`mcp__${gateway}`]
      : names.map((t) => `mcp__${gateway}${TOOL_SEPARATOR}${server}${TOOL_SEPARATOR}${t}`);
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
      return copilot(persona);
    case 'claude':
      return claude(persona, options);
    case 'cursor':
      return cursor(persona);
  }
}
