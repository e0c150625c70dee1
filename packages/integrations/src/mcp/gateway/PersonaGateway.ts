import { homedir } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import {
  type CallToolResult,
  ErrorCode,
  type GetPromptResult,
  McpError,
  type Progress,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Memory } from '@tta-dev/core';
import {
  type ActivePersona,
  checkGatewayTool,
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
import type { OpenedRunStore, RunStore } from '@tta-dev/workflows';
import type { McpServerConfig } from '../config/McpServersConfig.js';
import { BUILTIN_NAMES, BUILTIN_TOOLS } from './builtinTools.js';
import { ClientRelay } from './ClientRelay.js';
import { Downstream } from './Downstream.js';
import type { CatalogList, DownstreamCatalog } from './DownstreamCatalog.js';
import { filterListing } from './filterListing.js';
import { type CatalogRoute, GatewayCatalog } from './GatewayCatalog.js';
import type { GatewayLog } from './GatewayLog.js';
import { traceToolCall } from './gatewayTelemetry.js';
import { callMemoryTool } from './memoryTools.js';
import { ownToolRefusal } from './ownToolPolicy.js';
import { PathGuard } from './PathGuard.js';
import { protectedPaths } from './protectedPaths.js';
import { stagePersonas } from './stagePersonas.js';
import { TokenLedger, type TokenUsage } from './TokenLedger.js';
import { textResult as text } from './toolResult.js';
import { WORKFLOW_TOOL_NAMES, WORKFLOW_TOOLS } from './workflowToolList.js';

/** What the gateway reads, watches and switches the active persona through. */
export type ActivePersonaSource = Pick<PersonaStore, 'home' | 'active' | 'activate' | 'watch'>;

export interface GatewayOptions {
  /** The downstream servers, by name (from mcp_servers.json). */
  servers: Readonly<Record<string, McpServerConfig>>;
  /** Personas to resolve the active one against. */
  registry: PersonaRegistry;
  /**
   * Where the active persona is read and watched: a store, or the scopes of a project or a run
   * (`PersonaScopes`). Default: `new PersonaStore()`.
   */
  store?: ActivePersonaSource;
  /** Pins one persona for the life of the gateway; the store is then neither read nor watched. */
  persona?: string;
  /** Limit of every proxied call, in ms. Default: `DEFAULT_CALL_TIMEOUT_MS`. */
  callTimeoutMs?: number;
  /** Environment that downstream servers' variables are chosen from. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Folder that relative restricted paths are taken from. Default: `process.cwd()`. */
  cwd?: string;
  /** The user's home folder, for `~` in paths. Default: `env.HOME`, else `os.homedir()`. */
  home?: string;
  /**
   * Files that configure this gateway beyond the standard ones (its servers file given with
   * `--config`, say): no persona may touch them through a proxied tool.
   */
  configFiles?: readonly string[];
  /** Workflow runs the workflow_* and journal_record tools see. Default: the project's (`cwd`). */
  runs?: RunStore;
  /**
   * The shared memory (its root) behind the memory_* tools: they use its namespace `gateway`, and
   * `run:<id>` with their `run` argument. Default: an in-memory one (`openMemoryBackend` gives
   * the configured one, which gateways on other machines share).
   */
  memory?: Memory;
  log?: GatewayLog;
  /** First restart delay of a crashed server. Default 500 ms. */
  restartDelayMs?: number;
  /** Limit of each server's start, in ms; then it is killed and retried. Default 30 000. */
  startTimeoutMs?: number;
  /** Tools per page of `tools/list`. Default: `DEFAULT_TOOLS_PAGE_SIZE`. */
  toolsPageSize?: number;
  /**
   * How long after a persona is applied a `tools/list` may wait for its servers still starting,
   * in ms, so that a client that lists once and never again (the Inspector's CLI) sees them;
   * `initialize` never waits. Default `DEFAULT_LIST_WAIT_MS`; 0 answers at once.
   */
  listWaitMs?: number;
}

export const DEFAULT_TOOLS_PAGE_SIZE = 500;
export const DEFAULT_LIST_WAIT_MS = 3_000;

export const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/** What a session can do for the gateway: ask its person to approve an action. */
export interface GatewaySession {
  /** Resolves to true when the person approved; absent when the client cannot ask. */
  approve?: (message: string) => Promise<boolean>;
  /** The client's request signal: aborting it cancels the downstream call. */
  signal?: AbortSignal;
  /** Present when the client asked for progress: receives the downstream call's progress. */
  onProgress?: (progress: Progress) => void;
}

/** The JSON-RPC error for a tool that does not exist (spec: -32602, Invalid params). */
const unknownTool = (message: string) => new McpError(ErrorCode.InvalidParams, message);

/**
 * The persona gateway: connects to the servers the active persona allows, shows only the tools it
 * allows (named `<server>__<tool>`), enforces the persona at call time, and follows persona
 * switches live. Transports (stdio, HTTP) wrap it with `createGatewayServer`.
 */
export class PersonaGateway {
  private readonly downstreams = new Map<string, Downstream>();
  private readonly listeners = new Set<() => void>();
  private readonly store: ActivePersonaSource;
  private memory: Memory | undefined;
  private readonly log: GatewayLog;
  private active: Persona | undefined;
  private unwatch: (() => void) | undefined;
  private unwatchPersonas: (() => void) | undefined;
  /** The persona asked for while its definition is missing or broken, to apply once it is fixed. */
  private missing: string | undefined;
  private applying: Promise<void> = Promise.resolve();
  /** When the persona in force was applied (ms since the epoch): the list wait counts from it. */
  private appliedAt = 0;
  /** Servers being stopped after a switch: `close` waits for them, so that none outlives it. */
  private readonly stopping = new Set<Promise<void>>();
  private closed = false;
  private readonly ledger = new TokenLedger();
  /**
   * The run store the gateway opened itself (no `runs` option): `close` closes it, or a
   * PostgreSQL store's connections would keep the process alive after the gateway stopped.
   */
  private ownRuns: Promise<OpenedRunStore> | undefined;
  private readonly guard: PathGuard;
  /** The environment and config each running server was started with, to restart on change. */
  private readonly started = new Map<string, unknown>();
  /**
   * The tool list in force, built on first demand and dropped whenever it may change: at a
   * switch and at every `notify` (a server came up, went down or changed its tools). With a
   * thousand tools, building it and above all counting its tokens cost milliseconds per
   * tools/list; kept, a list costs a copy of the array (see docs/benchmarks.md).
   */
  private visible: readonly Tool[] | undefined;
  /** The resources and prompts in force, built and dropped as `visible` is. */
  private catalog: GatewayCatalog | undefined;
  private readonly listListeners = new Set<(list: CatalogList) => void>();
  private readonly updateListeners = new Set<(route: CatalogRoute) => void>();
  /** Relays the downstream servers' roots, sampling and elicitation requests to the clients. */
  readonly relay = new ClientRelay();

  private constructor(private readonly options: GatewayOptions) {
    this.store = options.store ?? new PersonaStore();
    this.memory = options.memory;
    this.log = options.log ?? (() => undefined);
    // Servers get HOME from `env`, so `~` means what it means to them.
    const home = options.home ?? options.env?.HOME ?? homedir();
    this.guard = new PathGuard({
      project: options.cwd ?? process.cwd(),
      home,
      protectedPaths: protectedPaths({
        home,
        ttaHome: this.store.home,
        also: [
          ...(options.configFiles ?? []),
          ...options.registry.folders.map((folder) => `${folder.path}/**`),
        ],
      }),
    });
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

  /**
   * Starts the gateway: resolves the persona and watches for switches. Its servers start in the
   * background (their tools appear with `tools/list_changed`); `ready()` waits for them.
   */
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

  /** Tools per page of a client's tools/list. */
  get toolsPageSize(): number {
    return this.options.toolsPageSize ?? DEFAULT_TOOLS_PAGE_SIZE;
  }

  /**
   * Resolves when the persona in force has been applied and each of its servers is ready or has
   * failed (or timed out) its start: for callers that need every tool before they begin.
   */
  async ready(): Promise<void> {
    await this.applying;
    await Promise.all([...this.downstreams.values()].map((d) => d.whenStarted()));
  }

  /**
   * Resolves when the servers are ready, or at the end of the list wait (`listWaitMs`) counted
   * from when the persona was applied, whichever comes first: what a `tools/list` awaits.
   */
  async settled(): Promise<void> {
    await this.applying;
    const left = this.appliedAt + (this.options.listWaitMs ?? DEFAULT_LIST_WAIT_MS) - Date.now();
    if (left <= 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.ready(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Subscribes to changes of the tool list; returns a function that unsubscribes. */
  onToolsChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribes to changes of the resource or prompt list; returns a function that unsubscribes. */
  onListChanged(listener: (list: CatalogList) => void): () => void {
    this.listListeners.add(listener);
    return () => this.listListeners.delete(listener);
  }

  /** Subscribes to updates of subscribed resources (of allowed servers only); returns a disposer. */
  onResourceUpdated(listener: (route: CatalogRoute) => void): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
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
    const persona = this.active;
    const own = [...BUILTIN_TOOLS, ...WORKFLOW_TOOLS];
    if (persona === undefined) return own;
    const tools = own.filter((tool) => checkGatewayTool(persona, tool.name).allowed);
    for (const server of persona.allowedServers) {
      for (const tool of this.downstreams.get(server)?.tools ?? []) {
        if (checkTool(persona, server, tool.name).allowed)
          tools.push({ ...tool, name: toolName(server, tool.name) });
      }
    }
    return tools;
  }

  /** The resources of the active persona's servers, named `<server>__<name>`. */
  listResources(): Resource[] {
    return [...this.currentCatalog().resources];
  }

  listResourceTemplates(): ResourceTemplate[] {
    return [...this.currentCatalog().templates];
  }

  /** The prompts of the active persona's servers, named `<server>__<prompt>`. */
  listPrompts(): Prompt[] {
    return [...this.currentCatalog().prompts];
  }

  /** Reads a resource shown to the client; anything else, or a restricted path, is `-32602`. */
  async readResource(uri: string): Promise<ReadResourceResult> {
    const { server, target } = await this.resourceRoute(uri);
    const result = await this.downstreams
      .get(server)!
      .readResource(target, this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
    if (target === uri) return result;
    // Read through a gateway URI: its contents carry that URI too.
    return {
      ...result,
      contents: result.contents.map((c) => (c.uri === target ? { ...c, uri } : c)),
    };
  }

  /** Subscribes to a resource shown to the client, checked as a read is; resolves to its route. */
  async subscribeResource(uri: string): Promise<CatalogRoute> {
    const route = await this.resourceRoute(uri);
    const catalog = this.downstreams.get(route.server)!.catalog;
    if (!catalog.subscribable)
      throw new McpError(
        ErrorCode.InvalidParams,
        `server "${route.server}" does not support resource subscriptions`,
      );
    await catalog.subscribe(route.target);
    return route;
  }

  /** Drops a subscription that `subscribeResource` made. */
  async unsubscribeResource(route: CatalogRoute): Promise<void> {
    await this.downstreams.get(route.server)?.catalog.unsubscribe(route.target);
  }

  /** Gets a prompt shown to the client; its arguments are checked for restricted paths. */
  async getPrompt(name: string, args?: Record<string, string>): Promise<GetPromptResult> {
    const persona = this.personaOrRefuse();
    const { server, target } = this.currentCatalog().prompt(name);
    const refusal = await this.pathRefusal(persona, server, args ?? {});
    if (refusal !== undefined) throw new McpError(ErrorCode.InvalidParams, refusal);
    return this.downstreams
      .get(server)!
      .getPrompt(target, args, this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
  }

  /** The server and URI behind a client's resource URI, if it is shown and not restricted. */
  private async resourceRoute(uri: string): Promise<CatalogRoute> {
    const persona = this.personaOrRefuse();
    const route = this.currentCatalog().resource(uri);
    const refusal = await this.pathRefusal(persona, route.server, { uri: route.target });
    if (refusal !== undefined) throw new McpError(ErrorCode.InvalidParams, refusal);
    return route;
  }

  private personaOrRefuse(): Persona {
    if (this.active === undefined)
      throw new McpError(
        ErrorCode.InvalidParams,
        'no persona is active: call persona_switch first',
      );
    return this.active;
  }

  private currentCatalog(): GatewayCatalog {
    if (this.catalog === undefined) {
      const servers = new Map<string, DownstreamCatalog>();
      for (const server of this.active?.allowedServers ?? []) {
        const downstream = this.downstreams.get(server);
        if (downstream !== undefined) servers.set(server, downstream.catalog);
      }
      this.catalog = new GatewayCatalog(servers);
    }
    return this.catalog;
  }

  /**
   * Runs a call with the persona's rules; refusals and failures are error results. Throws only an
   * `McpError` InvalidParams (-32602) for a tool that does not exist. A call to a server still
   * starting waits for it, within the call's time limit.
   */
  async callTool(
    name: string,
    args: Record<string, unknown> | undefined,
    session: GatewaySession = {},
  ): Promise<CallToolResult> {
    try {
      if (BUILTIN_NAMES.has(name) || WORKFLOW_TOOL_NAMES.has(name)) {
        const refusal = await ownToolRefusal(name, args ?? {}, {
          persona: this.active,
          registry: this.options.registry,
          stagePersonas: async () => stagePersonas(await this.runStore()),
          ...(session.approve === undefined ? {} : { approve: session.approve }),
        });
        if (refusal !== undefined) return text(refusal, true);
      }
      if (BUILTIN_NAMES.has(name)) return await this.callBuiltin(name, args ?? {});
      if (WORKFLOW_TOOL_NAMES.has(name)) {
        const { callWorkflowTool } = await import('./workflowTools.js');
        return await callWorkflowTool(name, args ?? {}, {
          runs: await this.runStore(),
          cwd: this.options.cwd ?? process.cwd(),
          persona: this.active?.name,
          tokens: async () => (await this.ledger.settled()).total,
        });
      }
      const split = name.indexOf(TOOL_SEPARATOR);
      if (split <= 0)
        throw unknownTool(
          `unknown tool "${name}": gateway tools are named <server>${TOOL_SEPARATOR}<tool>`,
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
      const refusal = await this.pathRefusal(persona, server, args ?? {});
      if (refusal !== undefined) return text(refusal, true);
      const downstream = this.downstreams.get(server);
      if (downstream === undefined)
        throw unknownTool(
          `unknown tool "${name}": server "${server}" is not configured in mcp_servers.json`,
        );
      const timeoutMs = this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
      const deadline = Date.now() + timeoutMs;
      await downstream.whenStarted(timeoutMs, session.signal);
      if (downstream.state === 'ready' && !downstream.tools.some((t) => t.name === tool))
        throw unknownTool(`unknown tool "${name}": server "${server}" has no tool "${tool}"`);
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
      const answer = await traceToolCall(persona.name, server, tool, (meta) =>
        downstream.call(tool, args, Math.max(1, deadline - Date.now()), {
          ...(session.signal === undefined ? {} : { signal: session.signal }),
          ...(session.onProgress === undefined ? {} : { onProgress: session.onProgress }),
          ...(meta === undefined ? {} : { meta }),
        }),
      );
      // A listing of a folder must not name what the persona may not touch inside it.
      const folders = this.guard.folders(server, this.options.servers[server], args ?? {});
      const result = filterListing(answer, folders, (path) =>
        this.guard.isRestricted(persona, path),
      );
      const overBudget = await this.ledger.passed(result);
      if (overBudget === undefined) return result;
      this.log('warn', overBudget);
      return { ...result, content: [...result.content, { type: 'text', text: overBudget }] };
    } catch (error) {
      if (error instanceof McpError && error.code === ErrorCode.InvalidParams) throw error;
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
  private async pathRefusal(
    persona: Persona,
    server: string,
    args: unknown,
  ): Promise<string | undefined> {
    // The client's roots are bases too: server-filesystem works in them once it has asked.
    const refused = await this.guard.refusal(
      persona,
      server,
      this.options.servers[server],
      args,
      () => this.relay.roots(),
    );
    if (refused === undefined) return undefined;
    const leads = refused.resolved === refused.path ? '' : `, which leads to ${refused.resolved}`;
    return refused.protected
      ? `refused: argument "${refused.argument}" names ${refused.path}${leads}, which configures the gateway or the assistant (${refused.rule}): no persona may touch it`
      : `refused: argument "${refused.argument}" names ${refused.path}${leads}, a restricted path for persona "${persona.name}" (${refused.rule})`;
  }

  /** The runs the workflow tools see, opened at their first call. */
  private runStore(): Promise<RunStore> {
    if (this.options.runs !== undefined) return Promise.resolve(this.options.runs);
    // Loaded at the first use: @tta-dev/workflows (YAML, schemas) costs a gateway's cold start.
    if (this.ownRuns === undefined) {
      const opening = import('@tta-dev/workflows').then(({ openRunStore }) =>
        openRunStore({
          cwd: this.options.cwd ?? process.cwd(),
          env: this.options.env ?? process.env,
        }),
      );
      // A store that cannot be opened (a bad TTA_RUN_STORE) is tried again at the next call.
      opening.catch(() => {
        if (this.ownRuns === opening) this.ownRuns = undefined;
      });
      this.ownRuns = opening;
    }
    return this.ownRuns;
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

  /** Stops watching and stops every server, killing those still starting. */
  async close(): Promise<void> {
    this.closed = true;
    this.unwatch?.();
    this.unwatchPersonas?.();
    const downstreams = [...this.downstreams.values()];
    this.downstreams.clear();
    await Promise.all([...this.stopping, ...downstreams.map((d) => d.stop())]);
    // A store that failed to open has nothing to close.
    await (await this.ownRuns?.catch(() => undefined))?.close();
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
      if (this.closed) return;
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
      this.catalog = undefined;
      this.ledger.reset(persona?.name ?? '', persona?.tokenBudget ?? 0);
      this.appliedAt = Date.now();
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
      for (const [name, downstream] of this.downstreams) {
        if (wanted.has(name)) continue;
        this.downstreams.delete(name);
        const stopped = downstream.stop().finally(() => this.stopping.delete(stopped));
        this.stopping.add(stopped);
      }
      // Servers are (re)started with the persona's environment, in parallel.
      for (const name of wanted) {
        const config = withoutBlocked(persona!, this.options.servers[name]!, this.log);
        const env = filterEnvironment(persona!, this.options.env ?? process.env).env;
        const existing = this.downstreams.get(name);
        if (existing !== undefined) {
          // A server keeps running across a switch only if it would get the same environment:
          // variables the new persona blocks must not stay in a process started under the old.
          if (isDeepStrictEqual(this.started.get(name), { config, env })) {
            void existing.start();
            continue;
          }
          this.log('info', `server "${name}" restarts: its environment differs under this persona`);
          this.downstreams.delete(name);
          const stopped = existing.stop().finally(() => this.stopping.delete(stopped));
          this.stopping.add(stopped);
        }
        this.started.set(name, { config, env });
        const downstream = new Downstream(name, config, {
          env,
          log: this.log,
          onToolsChanged: () => this.notify(),
          onListChanged: (list) => this.listChanged(list),
          onResourceUpdated: (uri) => this.resourceUpdated({ server: name, target: uri }),
          relay: this.relay,
          ...(this.options.restartDelayMs === undefined
            ? {}
            : { restartDelayMs: this.options.restartDelayMs }),
          ...(this.options.startTimeoutMs === undefined
            ? {}
            : { startTimeoutMs: this.options.startTimeoutMs }),
        });
        this.downstreams.set(name, downstream);
        void downstream.start();
      }
      this.notify();
    });
    return this.applying;
  }

  /** Every list may have changed: a switch, or a server came up, went down or changed tools. */
  private notify(): void {
    this.visible = undefined;
    for (const listener of this.listeners) listener();
    this.listChanged('resources');
    this.listChanged('prompts');
  }

  /** A server's subscribed resource changed: told to sessions while the persona allows it. */
  private resourceUpdated(route: CatalogRoute): void {
    if (!this.active?.allowedServers.includes(route.server)) return;
    for (const listener of this.updateListeners) listener(route);
  }

  private listChanged(list: CatalogList): void {
    this.catalog = undefined;
    for (const listener of this.listListeners) listener(list);
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
        const starting = [...this.downstreams.values()]
          .filter((d) => d.state === 'starting')
          .map((d) => d.name);
        return text(
          `${persona.icon} ${persona.displayName} (${persona.name}) is now active: ${this.listTools().length} tools${
            starting.length === 0
              ? ''
              : `; starting ${starting.join(', ')} (their tools follow with tools/list_changed)`
          }`,
        );
      }
      case 'memory_add':
      case 'memory_get':
      case 'memory_search':
        if (this.memory === undefined) {
          // Loaded at the first use: @tta-dev/core's primitives are no part of a cold start.
          const { Memory } = await import('@tta-dev/core');
          this.memory = new Memory();
        }
        return callMemoryTool(name, args, this.memory, this.active?.name);
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
