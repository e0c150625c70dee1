import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { PersonaRegistry } from '@tta-dev/personas';
import type { StepRunner } from '@tta-dev/workflows';
import type { McpServerConfig } from '../mcp/config/McpServersConfig.js';
import type { GatewayLog } from '../mcp/gateway/GatewayLog.js';
import { PersonaGateway } from '../mcp/gateway/PersonaGateway.js';

export interface ToolStepRunnerOptions {
  /**
   * The MCP servers, by name (from mcp_servers.json), or a function that loads them when the
   * first tool step runs (so a workflow without tool steps never reads the file).
   */
  readonly servers:
    | Readonly<Record<string, McpServerConfig>>
    | (() => Promise<Readonly<Record<string, McpServerConfig>>>);
  readonly registry: PersonaRegistry;
  /** Environment that servers' variables are chosen from (filtered by each persona). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Folder that relative restricted paths are taken from. */
  readonly cwd: string;
  readonly log?: GatewayLog;
  readonly callTimeoutMs?: number;
}

/** A `tool` step runner and the servers it started, to be closed when the command ends. */
export interface ToolStepRunner {
  readonly run: StepRunner;
  close(): Promise<void>;
}

/**
 * Runs `tool` steps through the gateway's machinery: the stage's persona decides which servers
 * start and which tools, paths and environment a step may use — the same rules an assistant meets
 * through `tta mcp serve`. A tool that needs a person's approval is refused (a workflow runs
 * unattended): make it an `agent` step instead. Servers start on the first tool step.
 */
export function toolStepRunner(options: ToolStepRunnerOptions): ToolStepRunner {
  let gateway: Promise<PersonaGateway> | undefined;
  const run: StepRunner = async (step, context) => {
    if (step.kind !== 'tool') throw new Error(`the tool runner got a ${step.kind} step`);
    gateway ??= (async () =>
      PersonaGateway.start({
        servers: typeof options.servers === 'function' ? await options.servers() : options.servers,
        registry: options.registry,
        persona: context.persona,
        env: options.env,
        cwd: options.cwd,
        ...(options.log === undefined ? {} : { log: options.log }),
        ...(options.callTimeoutMs === undefined ? {} : { callTimeoutMs: options.callTimeoutMs }),
      }))();
    const ready = await gateway;
    await ready.usePersona(context.persona);
    // A step needs its tool now: wait for the persona's servers to be up (or to have failed).
    await ready.ready();
    const before = (await ready.tokenUsage()).results;
    // The step's signal (its time limit, a cancelled run) cancels the call downstream too.
    const result = await ready.callTool(
      step.tool,
      step.with,
      context.signal === undefined ? {} : { signal: context.signal },
    );
    context.reportTokens?.((await ready.tokenUsage()).results - before);
    if (result.isError === true)
      throw Object.assign(new Error(textOf(result) || `${step.tool} returned an error`), {
        name: 'ToolCallError',
      });
    return outputOf(result);
  };
  return {
    run,
    close: async () => {
      const started = gateway;
      gateway = undefined;
      await (await started?.catch(() => undefined))?.close();
    },
  };
}

const textOf = (result: CallToolResult) =>
  result.content
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('\n');

/**
 * A step's output from a tool result: its structured content when the tool gives one, else its
 * text, parsed when it is JSON (so `${{ steps.x.output.field }}` reads it), else the text itself.
 */
function outputOf(result: CallToolResult): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  const text = textOf(result);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
