import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  type ClientCapabilities,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  ListRootsRequestSchema,
  McpError,
  RootsListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

/**
 * What the gateway's downstream clients declare to their servers: everything a client in front
 * of the gateway may offer. Downstream servers start before any client connects, so they are
 * told the gateway can do all of it; a request that no connected client can answer is refused.
 */
export const RELAYED_CAPABILITIES: ClientCapabilities = {
  roots: { listChanged: true },
  sampling: {},
  elicitation: { form: {}, url: {} },
};

/** Limit of one relayed request: a person may take a while to answer an elicitation. */
export const RELAY_TIMEOUT_MS = 10 * 60_000;

/** One client session in front of the gateway, as the relay sees it. */
export interface RelaySession {
  /** Call when the session's `initialize` handshake is done. */
  initialized(): void;
  /** Runs a request of this session (a tool call, a read): the session is "in flight" meanwhile. */
  during<T>(work: () => Promise<T>): Promise<T>;
  /** Call when the session closes. */
  closed(): void;
}

interface Session {
  readonly server: Server;
  /** Ticks of the relay's clock: when it initialized, when its latest request began. */
  initializedAt: number;
  callStartedAt: number;
  inFlight: number;
}

/**
 * Relays the requests of downstream servers to a client in front of the gateway: `roots/list`,
 * `sampling/createMessage` and `elicitation/create`, to the session that has a request in flight
 * (the latest one to start) or else the most recently initialized one, among those whose client
 * declared the capability; and `notifications/roots/list_changed` from any client to every
 * downstream server.
 */
export class ClientRelay {
  private readonly sessions = new Set<Session>();
  private readonly clients = new Set<Client>();
  private clock = 0;
  private cachedRoots: Promise<string[]> | undefined;
  /**
   * Every folder a client's answer has given a server as a root. A client may answer the
   * gateway's own question otherwise than the server's (a hostile one would): what the servers
   * were told counts as a base for the path checks whatever the gateway was told.
   */
  private readonly givenRoots = new Set<string>();

  /** Registers a client session (one MCP `Server` of `createGatewayServer`). */
  attach(server: Server): RelaySession {
    const session: Session = { server, initializedAt: 0, callStartedAt: 0, inFlight: 0 };
    server.setNotificationHandler(RootsListChangedNotificationSchema, () => this.rootsChanged());
    return {
      initialized: () => {
        session.initializedAt = ++this.clock;
        this.sessions.add(session);
        // Downstream servers asked for roots before this client came: they ask again.
        if (server.getClientCapabilities()?.roots !== undefined) this.rootsChanged();
      },
      during: async (work) => {
        session.inFlight += 1;
        session.callStartedAt = ++this.clock;
        try {
          return await work();
        } finally {
          session.inFlight -= 1;
        }
      },
      closed: () => {
        if (!this.sessions.delete(session)) return;
        if (server.getClientCapabilities()?.roots !== undefined) this.rootsChanged();
      },
    };
  }

  /** Answers `client`'s server's requests by relaying them, and tells it when roots change. */
  serve(client: Client): void {
    this.pruneClosed();
    this.clients.add(client);
    const options = (signal: AbortSignal) => ({ signal, timeout: RELAY_TIMEOUT_MS });
    client.setRequestHandler(ListRootsRequestSchema, async (request, extra) => {
      const answer = await this.pick('roots', (c) => c.roots !== undefined).listRoots(
        request.params,
        options(extra.signal),
      );
      for (const folder of fileRoots(answer.roots)) this.givenRoots.add(folder);
      return answer;
    });
    client.setRequestHandler(CreateMessageRequestSchema, (request, extra) =>
      this.pick('sampling', (c) => c.sampling !== undefined).createMessage(
        request.params,
        options(extra.signal),
      ),
    );
    client.setRequestHandler(ElicitRequestSchema, (request, extra) => {
      const mode = request.params.mode ?? 'form';
      return this.pick(`${mode} elicitation`, (c) =>
        mode === 'url' ? c.elicitation?.url !== undefined : c.elicitation?.form !== undefined,
      ).elicitInput(request.params, options(extra.signal));
    });
  }

  /**
   * The folders of the client's current roots (`file://` roots only): the bases a server like
   * server-filesystem works in once it has asked for roots. Empty when no client offers roots.
   * Cached until a client says its roots changed or a session with roots comes or goes.
   */
  async roots(): Promise<string[]> {
    this.cachedRoots ??= this.fetchRoots();
    const asked = await this.cachedRoots;
    return this.givenRoots.size === 0 ? asked : [...new Set([...asked, ...this.givenRoots])];
  }

  private async fetchRoots(): Promise<string[]> {
    let server: Server;
    try {
      server = this.pick('roots', (c) => c.roots !== undefined);
    } catch {
      return [];
    }
    try {
      const { roots } = await server.listRoots(undefined, { timeout: RELAY_TIMEOUT_MS });
      return fileRoots(roots);
    } catch {
      this.cachedRoots = undefined; // ask again next time
      return [];
    }
  }

  private rootsChanged(): void {
    this.cachedRoots = undefined;
    this.pruneClosed();
    for (const client of this.clients) client.sendRootsListChanged().catch(() => undefined);
  }

  /** Forgets the downstream clients that were closed (a stopped or restarted server's). */
  private pruneClosed(): void {
    for (const client of this.clients)
      if (client.transport === undefined) this.clients.delete(client);
  }

  /** The session to relay to, or a JSON-RPC error that says why there is none. */
  private pick(what: string, can: (capabilities: ClientCapabilities) => boolean): Server {
    let best: Session | undefined;
    for (const session of this.sessions) {
      if (!can(session.server.getClientCapabilities() ?? {})) continue;
      if (best === undefined || likelier(session, best)) best = session;
    }
    if (best === undefined)
      throw new McpError(
        ErrorCode.MethodNotFound,
        `no client connected to the gateway supports ${what}: connect one that declares it`,
      );
    return best.server;
  }
}

/** A session with a request in flight (the latest to start) before one initialized later. */
function likelier(a: Session, b: Session): boolean {
  if (a.inFlight > 0 !== b.inFlight > 0) return a.inFlight > 0;
  return a.inFlight > 0 ? a.callStartedAt > b.callStartedAt : a.initializedAt > b.initializedAt;
}

/** The folders of the `file://` roots among `roots`; others (and bad URIs) name no folder. */
function fileRoots(roots: readonly { readonly uri: string }[]): string[] {
  const folders: string[] = [];
  for (const { uri } of roots) {
    if (!uri.startsWith('file://')) continue;
    try {
      folders.push(fileURLToPath(uri));
    } catch {
      // not a local file URI: no folder of this machine
    }
  }
  return folders;
}
