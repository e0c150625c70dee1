import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { RelaySession } from './ClientRelay.js';
import type { CatalogRoute } from './GatewayCatalog.js';
import type { PersonaGateway } from './PersonaGateway.js';

/**
 * One session's resources and prompts: the list, read, get and subscribe requests, and the
 * `list_changed` and `resources/updated` notifications (once `connected()`). Each subscription
 * goes to the server behind the URI, whose updates reach the session under the URI it subscribed
 * with. Returns a function that drops the session's subscriptions and listeners (at close).
 */
export function serveCatalog(
  server: Server,
  gateway: PersonaGateway,
  session: { relay: RelaySession; connected: () => boolean },
): () => void {
  const { relay } = session;
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: gateway.listResources(),
  }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: gateway.listResourceTemplates(),
  }));
  server.setRequestHandler(ReadResourceRequestSchema, ({ params }) =>
    relay.during(() => gateway.readResource(params.uri)),
  );
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({
    prompts: gateway.listPrompts(),
  }));
  server.setRequestHandler(GetPromptRequestSchema, ({ params }) =>
    relay.during(() => gateway.getPrompt(params.name, params.arguments)),
  );

  const subscribed = new Map<string, CatalogRoute>();
  server.setRequestHandler(SubscribeRequestSchema, async ({ params: { uri } }) => {
    if (!subscribed.has(uri)) subscribed.set(uri, await gateway.subscribeResource(uri));
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, async ({ params: { uri } }) => {
    const route = subscribed.get(uri);
    subscribed.delete(uri);
    if (route !== undefined) await gateway.unsubscribeResource(route);
    return {};
  });

  const disposeLists = gateway.onListChanged((list) => {
    if (!session.connected()) return;
    const send =
      list === 'resources' ? server.sendResourceListChanged() : server.sendPromptListChanged();
    send.catch(() => undefined);
  });
  const disposeUpdates = gateway.onResourceUpdated(({ server: from, target }) => {
    for (const [uri, route] of subscribed)
      if (route.server === from && route.target === target)
        server.sendResourceUpdated({ uri }).catch(() => undefined);
  });
  return () => {
    disposeLists();
    disposeUpdates();
    for (const route of subscribed.values())
      gateway.unsubscribeResource(route).catch(() => undefined);
    subscribed.clear();
  };
}
