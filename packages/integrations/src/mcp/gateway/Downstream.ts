import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
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
  /** Called when the server's resources or prompts changed (not when it comes up or goes down). */
  onListChanged?: (list: CatalogList) => void;
  /** Called when the server says a subscribed resource changed. */
  onResourceUpdated?: (uri: string) => void;
  /** Answers the server's roots, sampling and elicitation requests. Default: none declared. */
  relay?: ClientRelay;
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

  async stop(): Promise<void> {
    this.wanted = false;
    clearTimeout(this.restartTimer);
    const client = this.client;
    this.client = undefined;
    this.current = 'stopped';
    this.toolList = [];
    this.catalog.clear();
    await client?.close().catch(() => undefined);
  }

  async call(
    tool: string,
    args: Record<string, unknown> | undefined,
    timeoutMs: number,
  ): Promise<CallToolResult> {
    const client = this.client;
    if (client === undefined || this.current !== 'ready') {
      throw new Error(
        `server "${this.name}" is not running${this.lastError ? ` (${this.lastError})` : ''}`,
      );
    }
    return (await client.callTool({ name: tool, arguments: args ?? {} }, undefined, {
      timeout: timeoutMs,
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

  private running(): Client {
    if (this.client === undefined || this.current !== 'ready')
      throw new Error(
        `server "${this.name}" is not running${this.lastError ? ` (${this.lastError})` : ''}`,
      );
    return this.client;
  }

  private async connect(): Promise<void> {
    this.current = 'starting';
    const relay = this.options.relay;
    const client = new Client(
      { name: 'tta-gateway', version: '0.0.0' },
      relay === undefined ? {} : { capabilities: RELAYED_CAPABILITIES },
    );
    relay?.serve(client);
    const transport = this.transport();
    try {
      await client.connect(transport);
      this.client = client;
      client.setNotificationHandler(
        ToolListChangedNotificationSchema,
        () => void this.refreshTools(),
      );
      // Set after connecting: a close during the handshake is a failed start, handled below.
      client.onclose = () => this.onClosed(client);
      await Promise.all([this.refreshTools(false), this.catalog.load(client)]);
      this.current = 'ready';
      this.failures = 0;
      this.lastError = undefined;
      this.options.log('info', `server "${this.name}" ready with ${this.toolList.length} tools`);
    } catch (error) {
      this.client = undefined;
      this.catalog.clear();
      await client.close().catch(() => undefined);
      this.fail(error instanceof Error ? error.message : String(error));
    }
    this.options.onToolsChanged();
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

  private async refreshTools(announce = true): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    this.toolList = tools;
    if (announce) this.options.onToolsChanged();
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
