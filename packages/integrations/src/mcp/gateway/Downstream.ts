import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CallToolResult,
  type GetPromptResult,
  type ReadResourceResult,
  type Tool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../config/McpServersConfig.js';
import { type ClientRelay, RELAYED_CAPABILITIES } from './ClientRelay.js';
import { type CatalogList, DownstreamCatalog } from './DownstreamCatalog.js';
import type { GatewayLog } from './GatewayLog.js';

export type DownstreamState = 'stopped' | 'starting' | 'ready' | 'failed';

export interface DownstreamOptions {
  /** Environment given to a stdio server (already filtered by the persona). */
  env: Record<string, string>;
  log: GatewayLog;
  /** Called when the server's tool list changed (or it came up or went down). */
  onToolsChanged: () => void;
  /** First restart delay after a crash; doubles up to `maxRestartDelayMs`. Default 500 ms. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /**
   * Limit of one start (spawn, handshake, first tool list), in ms; a server that exceeds it is
   * killed, counted as failed and retried with the backoff. Default `DEFAULT_START_TIMEOUT_MS`.
   */
  startTimeoutMs?: number;
  /** Called when the server's resources or prompts changed (not when it comes up or goes down). */
  onListChanged?: (list: CatalogList) => void;
  /** Called when the server says a subscribed resource changed. */
  onResourceUpdated?: (uri: string) => void;
  /** Answers the server's roots, sampling and elicitation requests. Default: none declared. */
  relay?: ClientRelay;
}

export const DEFAULT_START_TIMEOUT_MS = 30_000;

/** What a proxied call may carry besides its time limit. */
export interface DownstreamCallOptions {
  /** Aborting it cancels the call downstream (`notifications/cancelled`). */
  signal?: AbortSignal;
  /** Receives the server's progress notifications of this call. */
  onProgress?: RequestOptions['onprogress'];
  /** The request's `params._meta`: the trace context (`traceparent`) of the gateway's span. */
  meta?: Record<string, string>;
}

/** A connection under way: kept so that a stop can kill the process mid-handshake. */
interface Attempt {
  readonly client: Client;
  readonly transport: Transport;
}

/**
 * One downstream MCP server: connects, lists its tools, forwards calls, and when the server dies
 * reports it and reconnects with exponential backoff while it is wanted — without affecting any
 * other server.
 */
export class Downstream {
  private client: Client | undefined;
  private toolList: readonly Tool[] = [];
  private current: DownstreamState = 'stopped';
  private wanted = false;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private starting: Promise<void> | undefined;
  private attempt: Attempt | undefined;
  /** Bumped at every stop, so that an attempt that ends after it changes nothing. */
  private generation = 0;
  /** The last reason it failed, for messages. */
  lastError: string | undefined;
  /** Its resources, resource templates and prompts while it is ready. */
  readonly catalog = new DownstreamCatalog(
    (list) => this.options.onListChanged?.(list),
    (uri) => this.options.onResourceUpdated?.(uri),
  );

  constructor(
    readonly name: string,
    private readonly config: McpServerConfig,
    private readonly options: DownstreamOptions,
  ) {}

  get state(): DownstreamState {
    return this.current;
  }

  get tools(): readonly Tool[] {
    return this.current === 'ready' ? this.toolList : [];
  }

  /** Connects (once); resolves when ready or failed — never rejects. */
  start(): Promise<void> {
    this.wanted = true;
    if (this.current === 'ready') return Promise.resolve();
    this.starting ??= this.connect().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /**
   * Resolves when the start under way (if any) has ended, ready or failed, or after `timeoutMs`;
   * rejects with the signal's reason when `signal` aborts first.
   */
  async whenStarted(timeoutMs = Number.POSITIVE_INFINITY, signal?: AbortSignal): Promise<void> {
    const starting = this.starting;
    if (starting === undefined) return;
    signal?.throwIfAborted();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        void starting.then(resolve);
        if (Number.isFinite(timeoutMs)) timer = setTimeout(resolve, timeoutMs);
        if (signal === undefined) return;
        onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    } finally {
      clearTimeout(timer);
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Stops the server; one still starting is killed at once. */
  async stop(): Promise<void> {
    this.wanted = false;
    this.generation += 1;
    clearTimeout(this.restartTimer);
    const client = this.client;
    const attempt = this.attempt;
    this.client = undefined;
    this.attempt = undefined;
    this.current = 'stopped';
    this.toolList = [];
    this.catalog.clear();
    await Promise.all([
      client?.close().catch(() => undefined),
      attempt === undefined ? undefined : abandon(attempt),
    ]);
  }

  async call(
    tool: string,
    args: Record<string, unknown> | undefined,
    timeoutMs: number,
    options: DownstreamCallOptions = {},
  ): Promise<CallToolResult> {
    const params = {
      name: tool,
      arguments: args ?? {},
      ...(options.meta === undefined ? {} : { _meta: options.meta }),
    };
    return (await this.running().callTool(params, undefined, {
      timeout: timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onProgress === undefined ? {} : { onprogress: options.onProgress }),
    })) as CallToolResult;
  }

  readResource(uri: string, timeoutMs: number): Promise<ReadResourceResult> {
    return this.running().readResource({ uri }, { timeout: timeoutMs });
  }

  getPrompt(
    name: string,
    args: Record<string, string> | undefined,
    timeoutMs: number,
  ): Promise<GetPromptResult> {
    return this.running().getPrompt(
      { name, ...(args === undefined ? {} : { arguments: args }) },
      { timeout: timeoutMs },
    );
  }

  /** The connected client, or why there is none. */
  private running(): Client {
    if (this.client === undefined || this.current !== 'ready')
      throw new Error(
        this.current === 'starting'
          ? `server "${this.name}" is still starting: try again when it announces its tools`
          : `server "${this.name}" is not running${this.lastError ? ` (${this.lastError})` : ''}`,
      );
    return this.client;
  }

  private async connect(): Promise<void> {
    const generation = this.generation;
    this.current = 'starting';
    const relay = this.options.relay;
    const client = new Client(
      { name: 'tta-gateway', version: '0.0.0' },
      relay === undefined ? {} : { capabilities: RELAYED_CAPABILITIES },
    );
    relay?.serve(client);
    const attempt: Attempt = { client, transport: this.transport() };
    this.attempt = attempt;
    const limit = this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const tools = await Promise.race([
        this.handshake(attempt),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(
                  `did not start within ${limit} ms (raise the limit with --start-timeout or startTimeoutMs)`,
                ),
              ),
            limit,
          );
        }),
      ]);
      if (generation !== this.generation) {
        // Stopped meanwhile (stop() closed it): what it listed is no one's, unless a new start
        // is under way and will list its own.
        if (this.attempt === undefined) this.catalog.clear();
        return;
      }
      this.attempt = undefined;
      this.client = client;
      this.toolList = tools;
      this.current = 'ready';
      this.failures = 0;
      this.lastError = undefined;
      this.options.log('info', `server "${this.name}" ready with ${tools.length} tools`);
    } catch (error) {
      if (generation !== this.generation) return;
      this.attempt = undefined;
      this.catalog.clear();
      await abandon(attempt);
      this.fail(error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
    }
    this.options.onToolsChanged();
  }

  /** Connects and lists the tools, without touching this object's state. */
  private async handshake({ client, transport }: Attempt): Promise<Tool[]> {
    client.setNotificationHandler(
      ToolListChangedNotificationSchema,
      () => void this.refreshTools(),
    );
    await client.connect(transport);
    deliverResponsesAfterNotifications(transport);
    // Set after connecting: a close during the handshake is a failed start, handled by connect.
    client.onclose = () => this.onClosed(client);
    const [tools] = await Promise.all([listAll(client), this.catalog.load(client)]);
    return tools;
  }

  private transport(): Transport {
    if (this.config.transport === 'http') {
      return new StreamableHTTPClientTransport(new URL(this.config.url), {
        requestInit: { headers: { ...this.config.headers } },
      });
    }
    const transport = new StdioClientTransport({
      command: this.config.command,
      args: [...(this.config.args ?? [])],
      env: { ...this.options.env, ...this.config.env },
      ...(this.config.cwd === undefined ? {} : { cwd: this.config.cwd }),
      stderr: 'pipe',
    });
    // A server's own log lines go to the gateway's log, never to stdout.
    transport.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n'))
        if (line.trim() !== '') this.options.log('debug', `[${this.name}] ${line}`);
    });
    return transport;
  }

  private async refreshTools(): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    this.toolList = await listAll(client);
    this.options.onToolsChanged();
  }

  private onClosed(client: Client): void {
    if (this.client !== client) return; // stopped on purpose, or replaced
    this.client = undefined;
    this.toolList = [];
    this.catalog.clear();
    this.fail('the server process exited');
    this.options.onToolsChanged();
  }

  private fail(reason: string): void {
    this.current = 'failed';
    this.lastError = reason;
    this.failures += 1;
    if (!this.wanted) return;
    const base = this.options.restartDelayMs ?? 500;
    const delay = Math.min(
      this.options.maxRestartDelayMs ?? 30_000,
      base * 2 ** (this.failures - 1),
    );
    this.options.log('warn', `server "${this.name}" failed: ${reason}; retrying in ${delay} ms`);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.wanted && this.current === 'failed') void this.start();
    }, delay);
    this.restartTimer.unref?.();
  }
}

/**
 * The SDK's Protocol runs notification handlers a microtask late but handles a response at once,
 * so a progress notification read in the same chunk as its call's response arrives after the
 * call ended and is dropped. Handing responses on a microtask later keeps the server's order.
 */
function deliverResponsesAfterNotifications(transport: Transport): void {
  const deliver = transport.onmessage;
  if (deliver === undefined) return;
  transport.onmessage = (message, extra) => {
    if ('result' in message || 'error' in message) queueMicrotask(() => deliver(message, extra));
    else deliver(message, extra);
  };
}

/** Every page of a server's tool list. */
async function listAll(client: Client): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return tools;
}

/**
 * Ends a connection that never became ready: a stdio server is sent SIGTERM at once (one that
 * hangs in its handshake would not react to its stdin closing), then the transport is closed.
 */
async function abandon({ client, transport }: Attempt): Promise<void> {
  const pid = transport instanceof StdioClientTransport ? transport.pid : null;
  if (pid !== null) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await client.close().catch(() => undefined);
}
