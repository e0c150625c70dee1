import { isDeepStrictEqual } from 'node:util';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { Memory } from '@tta-dev/core';
import {
  type ActivePersona,
  checkPath,
  checkTool,
  filterEnvironment,
  isEnvironmentBlocked,
  type Persona,
  type PersonaRegistry,
  PersonaStore,
  TOOL_SEPARATOR,
  toolName,
  toolNeedsApproval,
} from '@tta-dev/personas';
import { FileRunStore, type RunStore } from '@tta-dev/workflows';
import type { McpServerConfig } from '../config/McpServersConfig.js';
import { argumentPaths } from './argumentPaths.js';
import { BUILTIN_NAMES, BUILTIN_TOOLS } from './builtinTools.js';
import { Downstream } from './Downstream.js';
import type { GatewayLog } from './GatewayLog.js';
import { traceToolCall } from './gatewayTelemetry.js';
import { TokenLedger, type TokenUsage } from './TokenLedger.js';
import { callWorkflowTool, WORKFLOW_TOOL_NAMES, WORKFLOW_TOOLS } from './workflowTools.js';

export interface GatewayOptions {
  /** The downstream servers, by name (from mcp_servers.json). */
  servers: Readonly<Record<string, McpServerConfig>>;
  /** Personas to resolve the active one against. */
  registry: PersonaRegistry;
  /** Where the active persona is read and watched. Default: `new PersonaStore()`. */
  store?: PersonaStore;
  /** Pins one persona for the life of the gateway; the store is then neither read nor watched. */
  persona?: string;
  /** Limit of every proxied call, in ms. Default: `DEFAULT_CALL_TIMEOUT_MS`. */
  callTimeoutMs?: number;
  /** Environment that downstream servers' variables are chosen from. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Folder that relative restricted paths are taken from. Default: `process.cwd()`. */
  cwd?: string;
  /** Workflow runs the workflow_* and journal_record tools see. Default: the project's (`cwd`). */
  runs?: RunStore;
  /** Memory behind the memory_* tools. Default: an in-memory one, namespace `gateway`. */
  memory?: Memory;
  log?: GatewayLog;
  /** First restart delay of a crashed server. Default 500 ms. */
  restartDelayMs?: number;
}

export const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/** What a session can do for the gateway: ask its person to approve an action. */
export interface GatewaySession {
  /** Resolves to true when the person approved; absent when the client cannot ask. */
  approve?: (message: string) => Promise<boolean>;
}

const text = (value: unknown, isError = false): CallToolResult => ({
  content: [
    { type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) },
  ],
  ...(isError ? { isError: true } : {}),
});

/**
 * The persona gateway: connects to the servers the active persona allows, shows only the tools it
 * allows (named `<server>__<tool>`), enforces the persona at call time, and follows persona
 * switches live. Transports (stdio, HTTP) wrap it with `createGatewayServer`.
 */
export class PersonaGateway {
  private readonly downstreams = new Map<string, Downstream>();
  private readonly listeners = new Set<() => void>();
  private readonly store: PersonaStore;
  private readonly memory: Memory;
  private readonly log: GatewayLog;
  private active: Persona | undefined;
  private unwatch: (() => void) | undefined;
  private unwatchPersonas: (() => void) | undefined;
  /** The persona asked for while its definition is missing or broken, to apply once it is fixed. */
  private missing: string | undefined;
  private applying: Promise<void> = Promise.resolve();
  private readonly ledger = new TokenLedger();
  private runs: RunStore | undefined;
  /**
   * The tool list in force, built on first demand and dropped whenever it may change: at a
   * switch and at every `notify` (a server came up, went down or changed its tools). With a
   * thousand tools, building it and above all counting its tokens cost milliseconds per
   * tools/list; kept, a list costs a copy of the array (see docs/benchmarks.md).
   */
  private visible: readonly Tool[] | undefined;

  private constructor(private readonly options: GatewayOptions) {
    this.store = options.store ?? new PersonaStore();
    this.memory = options.memory ?? new Memory().namespace('gateway');
    this.log = options.log ?? (() => undefined);
  }

  /** Persona files are live: an edit applies at once, a new file resolves, a broken one narrows. */
  private watchPersonas(): void {
    this.unwatchPersonas = this.options.registry.watch(
      (registry) => {
        for (const error of registry.errors) this.log('error', error.message);
        const name = this.active?.name ?? this.missing;
        if (name !== undefined) void this.apply(name);
      },
      (error) => this.log('error', `cannot reload the persona files: ${(error as Error).message}`),
    );
  }

  /** Starts the gateway: resolves the persona, starts its servers, and watches for switches. */
  static async start(options: GatewayOptions): Promise<PersonaGateway> {
    const gateway = new PersonaGateway(options);
    gateway.watchPersonas();
    if (options.persona !== undefined) {
      const pinned = options.registry.resolve(options.persona);
      if (pinned === undefined) {
        await gateway.close();
        throw new Error(`unknown persona "${options.persona}"`);
      }
      await gateway.apply(pinned.persona.name);
    } else {
      gateway.unwatch = gateway.store.watch(
        (active) => void gateway.follow(active),
        (error) =>
          gateway.log('error', `cannot read the active persona: ${(error as Error).message}`),
      );
      await gateway.follow(await gateway.store.active().catch(() => undefined));
    }
    return gateway;
  }

  get persona(): Persona | undefined {
    return this.active;
  }

  /** Subscribes to changes of the tool list; returns a function that unsubscribes. */
  onToolsChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tokens the active persona's tools have cost since it became active (counts under way included). */
  tokenUsage(): Promise<TokenUsage> {
    return this.ledger.settled();
  }

  /** The tool list a client is shown; its tokens count against the persona's budget. */
  listToolsForClient(): Tool[] {
    const tools = this.visibleTools();
    this.ledger.listed(tools);
    return [...tools];
  }

  /** The tools the active persona may see: the gateway's own, then each allowed server's. */
  listTools(): Tool[] {
    return [...this.visibleTools()];
  }

  private visibleTools(): readonly Tool[] {
    this.visible ??= this.collectTools();
    return this.visible;
  }

  private collectTools(): readonly Tool[] {
    const tools = [...BUILTIN_TOOLS, ...WORKFLOW_TOOLS];
    const persona = this.active;
    if (persona === undefined) return tools;
    for (const server of persona.allowedServers) {
      for (const tool of this.downstreams.get(server)?.tools ?? []) {
        if (checkTool(persona, server, tool.name).allowed)
          tools.push({ ...tool, name: toolName(server, tool.name) });
      }
    }
    return tools;
  }

  /** Runs a call with the persona's rules; refusals and failures are error results, never throws. */
  async callTool(
    name: string,
    args: Record<string, unknown> | undefined,
    session: GatewaySession = {},
  ): Promise<CallToolResult> {
    try {
      if (BUILTIN_NAMES.has(name)) return await this.callBuiltin(name, args ?? {});
      if (WORKFLOW_TOOL_NAMES.has(name))
        return await callWorkflowTool(name, args ?? {}, {
          runs: this.runStore(),
          registry: this.options.registry,
          cwd: this.options.cwd ?? process.cwd(),
          persona: this.active?.name,
          tokens: async () => (await this.ledger.settled()).total,
        });
      const split = name.indexOf(TOOL_SEPARATOR);
      if (split <= 0)
        return text(
          `unknown tool "${name}": gateway tools are named <server>${TOOL_SEPARATOR}<tool>`,
          true,
        );
      const server = name.slice(0, split);
      const tool = name.slice(split + TOOL_SEPARATOR.length);
      const persona = this.active;
      if (persona === undefined)
        return text('no persona is active: call persona_switch first', true);
      const verdict = checkTool(persona, server, tool);
      if (!verdict.allowed)
        return text(
          `refused: persona "${persona.name}" may not use ${name} (${verdict.rule})`,
          true,
        );
      const refusal = this.pathRefusal(persona, server, args ?? {});
      if (refusal !== undefined) return text(refusal, true);
      const approval = toolNeedsApproval(persona, server, tool);
      if (approval !== undefined) {
        if (session.approve === undefined) {
          return text(
            `refused: ${name} needs a person's approval under persona "${persona.name}" (${approval}), and this client cannot ask for it`,
            true,
          );
        }
        const approved = await session.approve(
          `Persona "${persona.displayName}" wants to run ${name} with ${JSON.stringify(args ?? {})}. Approve?`,
        );
        if (!approved) return text(`refused: ${name} was not approved`, true);
      }
      const downstream = this.downstreams.get(server);
      if (downstream === undefined)
        return text(`server "${server}" is not configured in mcp_servers.json`, true);
      const result = await traceToolCall(persona.name, server, tool, () =>
        downstream.call(tool, args, this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS),
      );
      const overBudget = await this.ledger.passed(result);
      if (overBudget === undefined) return result;
      this.log('warn', overBudget);
      return { ...result, content: [...result.content, { type: 'text', text: overBudget }] };
    } catch (error) {
      return text(
        `${name} failed: ${error instanceof Error ? error.message : String(error)}`,
        true,
      );
    }
  }

  /**
   * Why the paths named in `args` (a tool call's arguments, or a resource URI as `{ uri }`) may
   * not be touched through `server` under `persona`; undefined when they all may.
   */
  private pathRefusal(persona: Persona, server: string, args: unknown): string | undefined {
    for (const { argument, path } of argumentPaths(args)) {
      const verdict = checkPath(persona, path, { cwd: this.options.cwd ?? process.cwd() });
      if (!verdict.allowed)
        return `refused: argument "${argument}" names ${path}, a restricted path for persona "${persona.name}" (${verdict.rule})`;
    }
    return undefined;
  }

  /** The runs the workflow tools see, opened at their first call. */
  private runStore(): RunStore {
    this.runs ??= this.options.runs ?? new FileRunStore({ cwd: this.options.cwd ?? process.cwd() });
    return this.runs;
  }

  /** Switches the persona through the store (so every process follows) and applies it here. */
  async switchPersona(query: string): Promise<Persona> {
    if (this.options.persona !== undefined)
      throw new Error(`the gateway is pinned to persona "${this.options.persona}" (--persona)`);
    const found = this.options.registry.resolve(query);
    if (found === undefined) {
      throw new Error(
        `unknown persona "${query}"; did you mean ${this.options.registry
          .suggest(query)
          .map((s) => `"${s}"`)
          .join(', ')}?`,
      );
    }
    const { persona } = found;
    await this.store.activate({
      name: persona.name,
      displayName: persona.displayName,
      icon: persona.icon,
      source: found.source.file ?? 'builtin',
    });
    await this.apply(persona.name);
    return persona;
  }

  /**
   * Applies a persona in this gateway only, without writing the store: for a gateway driven by
   * its owner (the workflow engine's tool steps, which switch the store themselves).
   */
  async usePersona(query: string): Promise<Persona> {
    const found = this.options.registry.resolve(query);
    if (found === undefined) throw new Error(`unknown persona "${query}"`);
    await this.apply(found.persona.name);
    return found.persona;
  }

  async close(): Promise<void> {
    this.unwatch?.();
    this.unwatchPersonas?.();
    await Promise.all([...this.downstreams.values()].map((d) => d.stop()));
    this.downstreams.clear();
  }

  private follow(active: ActivePersona | undefined): Promise<void> {
    return this.apply(active?.name);
  }

  /**
   * Makes the persona named `name` the one in force, as the registry defines it when its turn
   * comes: starts its servers, stops the others, tells sessions. A persona that is not defined
   * (or whose file is broken) leaves the gateway's own tools only.
   */
  private apply(name: string | undefined): Promise<void> {
    // Switches apply one at a time, in order.
    this.applying = this.applying.then(async () => {
      const registry = this.options.registry;
      const persona =
        name === undefined ? undefined : (registry.get(name) ?? registry.resolve(name))?.persona;
      this.missing = persona === undefined ? name : undefined;
      if (name !== undefined && persona === undefined) {
        const broken = registry.brokenFile(name);
        this.log(
          broken === undefined ? 'warn' : 'error',
          broken === undefined
            ? `active persona "${name}" is not defined; showing the gateway's own tools only`
            : `active persona "${name}" is not used while its file is invalid; showing the gateway's own tools only\n${broken.message}`,
        );
      }
      if (persona !== undefined && isDeepStrictEqual(persona, this.active)) return;
      this.active = persona;
      this.visible = undefined;
      this.ledger.reset(persona?.name ?? '', persona?.tokenBudget ?? 0);
      this.log(
        'info',
        persona === undefined
          ? 'no persona active'
          : `persona ${persona.icon} ${persona.name} active`,
      );
      const wanted = new Set(
        persona?.allowedServers.filter((s) => this.options.servers[s] !== undefined) ?? [],
      );
      for (const server of persona?.allowedServers ?? []) {
        if (this.options.servers[server] === undefined)
          this.log(
            'warn',
            `persona "${persona?.name}" allows server "${server}", which mcp_servers.json does not define`,
          );
      }
      const stopping = [...this.downstreams.entries()]
        .filter(([name]) => !wanted.has(name))
        .map(([name, downstream]) => {
          this.downstreams.delete(name);
          return downstream.stop();
        });
      // Servers are (re)started with the persona's environment, in parallel.
      const starting = [...wanted].map((name) => {
        const existing = this.downstreams.get(name);
        if (existing !== undefined) return existing.start();
        const downstream = new Downstream(
          name,
          withoutBlocked(persona!, this.options.servers[name]!, this.log),
          {
            env: filterEnvironment(persona!, this.options.env ?? process.env).env,
            log: this.log,
            onToolsChanged: () => this.notify(),
            ...(this.options.restartDelayMs === undefined
              ? {}
              : { restartDelayMs: this.options.restartDelayMs }),
          },
        );
        this.downstreams.set(name, downstream);
        return downstream.start();
      });
      await Promise.all([...stopping, ...starting]);
      this.notify();
    });
    return this.applying;
  }

  private notify(): void {
    this.visible = undefined;
    for (const listener of this.listeners) listener();
  }

  private async callBuiltin(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    const describe = (p: Persona) => ({
      name: p.name,
      displayName: p.displayName,
      icon: p.icon,
      description: p.description,
      aliases: p.aliases,
      servers: p.allowedServers,
      tokenBudget: p.tokenBudget,
      workflows: p.workflows.available,
    });
    switch (name) {
      case 'persona_current':
        return text(this.active === undefined ? null : describe(this.active));
      case 'persona_list':
        return text(
          this.options.registry
            .list()
            .map((l) => ({ ...describe(l.persona), active: l.persona.name === this.active?.name })),
        );
      case 'persona_switch': {
        if (typeof args.persona !== 'string')
          return text('persona_switch needs a "persona" string', true);
        const persona = await this.switchPersona(args.persona);
        return text(
          `${persona.icon} ${persona.displayName} (${persona.name}) is now active: ${this.listTools().length} tools`,
        );
      }
      case 'memory_add': {
        if (typeof args.key !== 'string' || !('value' in args))
          return text('memory_add needs "key" and "value"', true);
        const tags = Array.isArray(args.tags)
          ? args.tags.filter((t): t is string => typeof t === 'string')
          : [];
        await this.memory.add(args.key, args.value, {
          tags: [...tags, ...(this.active ? [this.active.name] : [])],
          ...(typeof args.ttlMs === 'number' ? { ttlMs: args.ttlMs } : {}),
        });
        return text(`stored "${args.key}"`);
      }
      case 'memory_get': {
        if (typeof args.key !== 'string') return text('memory_get needs a "key" string', true);
        const found = await this.memory.has(args.key);
        return found
          ? text({ key: args.key, value: await this.memory.get(args.key) })
          : text(`no memory under "${args.key}"`, true);
      }
      case 'memory_search': {
        const keywords = Array.isArray(args.keywords)
          ? args.keywords.map(String)
          : typeof args.keywords === 'string'
            ? [args.keywords]
            : [];
        if (keywords.length === 0) return text('memory_search needs "keywords"', true);
        return text(
          await this.memory.search(
            keywords,
            typeof args.limit === 'number' ? { limit: args.limit } : {},
          ),
        );
      }
      default:
        return text(`unknown tool "${name}"`, true);
    }
  }
}

/**
 * A stdio server's own `env` from mcp_servers.json, less what the persona's blockList forbids:
 * values written in the file are the user's choice, but the blockList wins over everything.
 */
function withoutBlocked(
  persona: Persona,
  config: McpServerConfig,
  log: GatewayLog,
): McpServerConfig {
  if (config.transport !== 'stdio') return config;
  const blocked = Object.keys(config.env).filter((key) => isEnvironmentBlocked(persona, key));
  if (blocked.length === 0) return config;
  log('warn', `persona "${persona.name}" blocks ${blocked.join(', ')}: not passed to this server`);
  return {
    ...config,
    env: Object.fromEntries(Object.entries(config.env).filter(([key]) => !blocked.includes(key))),
  };
}
