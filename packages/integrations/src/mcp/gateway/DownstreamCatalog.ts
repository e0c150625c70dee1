import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type Prompt,
  PromptListChangedNotificationSchema,
  type Resource,
  ResourceListChangedNotificationSchema,
  type ResourceTemplate,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

/** The lists besides tools that a server can change and announce. */
export type CatalogList = 'resources' | 'prompts';

/**
 * The resources, resource templates and prompts of one downstream server, as the server lists
 * them (all pages), kept up to date by its `list_changed` notifications. Empty for a server that
 * does not declare the capability. Also its resource subscriptions, counted (several sessions may
 * subscribe to one URI) and renewed when the server comes back after a restart.
 */
export class DownstreamCatalog {
  private resourceList: readonly Resource[] = [];
  private templateList: readonly ResourceTemplate[] = [];
  private promptList: readonly Prompt[] = [];
  private client: Client | undefined;
  private readonly subscriptions = new Map<string, number>();

  constructor(
    private readonly onChanged: (list: CatalogList) => void,
    private readonly onUpdated: (uri: string) => void,
  ) {}

  get resources(): readonly Resource[] {
    return this.resourceList;
  }

  get templates(): readonly ResourceTemplate[] {
    return this.templateList;
  }

  get prompts(): readonly Prompt[] {
    return this.promptList;
  }

  /** Lists what `client`'s server offers and follows its changes; a failed list stays empty. */
  async load(client: Client): Promise<void> {
    this.client = client;
    const capabilities = client.getServerCapabilities() ?? {};
    if (capabilities.resources?.listChanged)
      client.setNotificationHandler(ResourceListChangedNotificationSchema, () =>
        this.refresh(client, 'resources', true),
      );
    if (capabilities.prompts?.listChanged)
      client.setNotificationHandler(PromptListChangedNotificationSchema, () =>
        this.refresh(client, 'prompts', true),
      );
    if (capabilities.resources?.subscribe)
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) =>
        this.onUpdated(n.params.uri),
      );
    await Promise.all([
      capabilities.resources ? this.refresh(client, 'resources', false) : undefined,
      capabilities.prompts ? this.refresh(client, 'prompts', false) : undefined,
      ...[...this.subscriptions.keys()].map((uri) =>
        client.subscribeResource({ uri }).catch(() => undefined),
      ),
    ]);
  }

  /** Whether the server takes `resources/subscribe`. */
  get subscribable(): boolean {
    return this.client?.getServerCapabilities()?.resources?.subscribe === true;
  }

  /** Subscribes to `uri` for one more session (the server is asked for the first one). */
  async subscribe(uri: string): Promise<void> {
    const count = this.subscriptions.get(uri) ?? 0;
    if (count === 0) await this.client?.subscribeResource({ uri });
    this.subscriptions.set(uri, count + 1);
  }

  /** Drops one session's subscription to `uri` (the server is told after the last one). */
  async unsubscribe(uri: string): Promise<void> {
    const count = this.subscriptions.get(uri) ?? 0;
    if (count > 1) return void this.subscriptions.set(uri, count - 1);
    this.subscriptions.delete(uri);
    if (count === 1) await this.client?.unsubscribeResource({ uri });
  }

  /** Forgets the lists (the server went down or was stopped); subscriptions are kept to renew. */
  clear(): void {
    this.client = undefined;
    this.resourceList = [];
    this.templateList = [];
    this.promptList = [];
  }

  private async refresh(client: Client, list: CatalogList, announce: boolean): Promise<void> {
    // A server that declares a capability but cannot list it offers nothing of that kind.
    if (list === 'resources') {
      const [resources, templates] = await Promise.all([
        allPages((cursor) =>
          client.listResources(cursor).then((p) => ({ items: p.resources, next: p.nextCursor })),
        ).catch(() => []),
        allPages((cursor) =>
          client
            .listResourceTemplates(cursor)
            .then((p) => ({ items: p.resourceTemplates, next: p.nextCursor })),
        ).catch(() => []),
      ]);
      if (this.client !== client) return;
      this.resourceList = resources;
      this.templateList = templates;
    } else {
      const prompts = await allPages((cursor) =>
        client.listPrompts(cursor).then((p) => ({ items: p.prompts, next: p.nextCursor })),
      ).catch(() => []);
      if (this.client !== client) return;
      this.promptList = prompts;
    }
    if (announce) this.onChanged(list);
  }
}

async function allPages<T>(
  page: (params: { cursor?: string }) => Promise<{ items: T[]; next?: string | undefined }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const result = await page(cursor === undefined ? {} : { cursor });
    items.push(...result.items);
    cursor = result.next;
  } while (cursor !== undefined);
  return items;
}
