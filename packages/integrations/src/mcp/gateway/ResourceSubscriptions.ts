import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { CatalogRoute } from './GatewayCatalog.js';
import type { PersonaGateway } from './PersonaGateway.js';

/**
 * One session's `resources/subscribe` and `unsubscribe`: each subscription goes to the server
 * behind the URI, and that server's `notifications/resources/updated` reach the session under the
 * URI it subscribed with. Returns a function that drops the session's subscriptions (at close).
 */
export function serveSubscriptions(server: Server, gateway: PersonaGateway): () => void {
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
  const dispose = gateway.onResourceUpdated(({ server: from, target }) => {
    for (const [uri, route] of subscribed)
      if (route.server === from && route.target === target)
        server.sendResourceUpdated({ uri }).catch(() => undefined);
  });
  return () => {
    dispose();
    for (const route of subscribed.values())
      gateway.unsubscribeResource(route).catch(() => undefined);
    subscribed.clear();
  };
}
