import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import {
  ErrorCode,
  McpError,
  type Prompt,
  type Resource,
  type ResourceTemplate,
} from '@modelcontextprotocol/sdk/types.js';
import { TOOL_SEPARATOR, toolName } from '@tta-dev/personas';
import type { DownstreamCatalog } from './DownstreamCatalog.js';

/** Prefix of the gateway's own URIs: `tta://<server>/<the server's URI, percent-encoded>`. */
export const GATEWAY_URI_PREFIX = 'tta://';

/** The gateway's URI of `server`'s resource `uri`: always accepted, and shown for clashes. */
export const gatewayUri = (server: string, uri: string): string =>
  `${GATEWAY_URI_PREFIX}${encodeURIComponent(server)}/${encodeURIComponent(uri)}`;

/** Which server a client's resource URI or prompt name goes to, and under what name there. */
export interface CatalogRoute {
  readonly server: string;
  /** The server's own URI or prompt name. */
  readonly target: string;
}

const invalid = (message: string) => new McpError(ErrorCode.InvalidParams, message);

/**
 * The resources, resource templates and prompts a client is shown: those of the given servers
 * (the active persona's allowed ones), named as tools are (`<server>__<name>`). A resource keeps
 * its URI when one server lists it; a URI that several servers list is shown, for each, as
 * `tta://<server>/<encoded URI>`. Resolves what a client asks for back to a server, or throws
 * a JSON-RPC `-32602` error for anything not shown.
 */
export class GatewayCatalog {
  readonly resources: Resource[] = [];
  readonly templates: ResourceTemplate[] = [];
  readonly prompts: Prompt[] = [];
  private readonly owners = new Map<string, string[]>();
  private readonly matchers = new Map<string, UriTemplate[]>();

  constructor(private readonly servers: ReadonlyMap<string, DownstreamCatalog>) {
    for (const [server, catalog] of servers) {
      for (const resource of catalog.resources) {
        const owners = this.owners.get(resource.uri) ?? [];
        if (!owners.includes(server)) owners.push(server);
        this.owners.set(resource.uri, owners);
      }
      const matchers: UriTemplate[] = [];
      for (const template of catalog.templates) {
        this.templates.push({ ...template, name: toolName(server, template.name) });
        try {
          matchers.push(new UriTemplate(template.uriTemplate));
        } catch {
          // A template the SDK cannot parse is shown but matches nothing.
        }
      }
      this.matchers.set(server, matchers);
      for (const prompt of catalog.prompts)
        this.prompts.push({ ...prompt, name: toolName(server, prompt.name) });
    }
    for (const [server, catalog] of servers) {
      for (const resource of catalog.resources) {
        const shared = (this.owners.get(resource.uri)?.length ?? 0) > 1;
        this.resources.push({
          ...resource,
          name: toolName(server, resource.name),
          ...(shared ? { uri: gatewayUri(server, resource.uri) } : {}),
        });
      }
    }
  }

  /** The server and URI behind a URI the client read or subscribed to. */
  resource(uri: string): CatalogRoute {
    if (uri.startsWith(GATEWAY_URI_PREFIX)) {
      const rest = uri.slice(GATEWAY_URI_PREFIX.length);
      const slash = rest.indexOf('/');
      const server = safeDecode(rest.slice(0, Math.max(slash, 0)));
      const target = safeDecode(rest.slice(slash + 1));
      if (slash <= 0 || server === undefined || target === undefined)
        throw invalid(`bad gateway URI "${uri}": expected tta://<server>/<percent-encoded URI>`);
      if (!this.servers.has(server))
        throw invalid(`unknown resource "${uri}": server "${server}" is not allowed or not ready`);
      if (!this.offers(server, target))
        throw invalid(`unknown resource "${uri}": server "${server}" does not list it`);
      return { server, target };
    }
    const owners = this.owners.get(uri);
    if (owners?.length === 1) return { server: owners[0]!, target: uri };
    if (owners !== undefined)
      throw invalid(
        `resource "${uri}" is offered by ${owners.length} servers: read one of ${owners.map((s) => gatewayUri(s, uri)).join(', ')}`,
      );
    const matching = [...this.servers.keys()].filter((server) => this.matches(server, uri));
    if (matching.length === 1) return { server: matching[0]!, target: uri };
    if (matching.length > 1)
      throw invalid(
        `resource "${uri}" matches the templates of ${matching.length} servers: read one of ${matching.map((s) => gatewayUri(s, uri)).join(', ')}`,
      );
    throw invalid(
      `unknown resource "${uri}": no allowed server lists it or has a template for it (resources/list, resources/templates/list)`,
    );
  }

  /** The server and prompt behind a prompt name `<server>__<prompt>`. */
  prompt(name: string): CatalogRoute {
    const split = name.indexOf(TOOL_SEPARATOR);
    const server = name.slice(0, Math.max(split, 0));
    const target = name.slice(split + TOOL_SEPARATOR.length);
    if (split > 0 && this.servers.get(server)?.prompts.some((p) => p.name === target))
      return { server, target };
    throw invalid(
      `unknown prompt "${name}": prompts are named <server>${TOOL_SEPARATOR}<prompt>; see prompts/list`,
    );
  }

  private offers(server: string, uri: string): boolean {
    return this.owners.get(uri)?.includes(server) === true || this.matches(server, uri);
  }

  private matches(server: string, uri: string): boolean {
    return (this.matchers.get(server) ?? []).some((template) => template.match(uri) !== null);
  }
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
