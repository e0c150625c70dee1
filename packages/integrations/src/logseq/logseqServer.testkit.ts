import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A local stand-in for Logseq's HTTP API server (electron.server), answering as the real one
 * does, for the calls the writers make:
 *
 * - `POST /api` only, with `{ method, args }`; a missing method is a 400 Fastify error;
 * - with tokens set, `Authorization: Bearer <token>` or a 401 `Access Denied!`;
 * - `logseq.Editor.getPage` resolves as the file-based Logseq 0.10 does (`get_page`; the UI, Git
 *   and Assets namespaces keep a prefix) or as the DB-based Logseq does (`editor@get_page`);
 *   a method the renderer lacks answers `{ error: "MethodNotExist: …" }`, with 200 from the
 *   file-based server and 500 from the DB-based one, as do failures of a method;
 * - the DB-only methods (`checkCurrentIsDbGraph`, `createJournalPage`, tags) exist only in DB
 *   mode, as in Logseq 0.10;
 * - arguments are checked against the shapes of `@logseq/libs`' `IEditorProxy`.
 *
 * Behind it, an in-memory graph of pages and block trees.
 */
export interface FakeLogseqOptions {
  mode: 'file' | 'db';
  /** Tokens the server accepts; none: no authorization asked (Logseq with no token set). */
  tokens?: string[];
}

export interface FakeBlock {
  uuid: string;
  content: string;
  properties: Record<string, unknown>;
  children: FakeBlock[];
  preBlock?: boolean;
}

export interface FakePage {
  uuid: string;
  name: string;
  originalName: string;
  journal: boolean;
  properties: Record<string, unknown>;
  tags: string[];
  blocks: FakeBlock[];
}

export interface FakeLogseq {
  url: string;
  /** Every request that reached the API: the method as sent, resolved, and its args. */
  calls: { sent: string; resolved: string; args: unknown[]; authorization?: string }[];
  pages: Map<string, FakePage>;
  page(name: string): FakePage | undefined;
  close(): Promise<void>;
}

const Uuid = z.uuid();
const Opts = z.record(z.string(), z.unknown()).optional();

export async function startFakeLogseq(options: FakeLogseqOptions): Promise<FakeLogseq> {
  const pages = new Map<string, FakePage>();
  const calls: FakeLogseq['calls'] = [];
  const db = options.mode === 'db';

  const pageOf = (id: unknown): FakePage | undefined => {
    if (typeof id !== 'string') return undefined;
    return pages.get(id.toLowerCase()) ?? [...pages.values()].find((p) => p.uuid === id);
  };
  const blockOf = (
    uuid: string,
  ): { block: FakeBlock; siblings: FakeBlock[]; page: FakePage } | undefined => {
    const find = (blocks: FakeBlock[], page: FakePage): ReturnType<typeof blockOf> => {
      for (const block of blocks) {
        if (block.uuid === uuid.toLowerCase()) return { block, siblings: blocks, page };
        const found = find(block.children, page);
        if (found) return found;
      }
      return undefined;
    };
    for (const page of pages.values()) {
      const found = find(page.blocks, page);
      if (found) return found;
    }
    return undefined;
  };
  const camel = (key: string) => key.replace(/[-.]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const blockJson = (block: FakeBlock): object => ({
    uuid: block.uuid,
    // File graphs: the text with its property lines; DB graphs: the title alone.
    ...(db
      ? { title: block.content }
      : {
          content: [
            block.content,
            ...Object.entries(block.properties).map(([k, v]) => `${k}:: ${v}`),
          ]
            .filter((l) => l !== '')
            .join('\n'),
        }),
    properties: Object.fromEntries(Object.entries(block.properties).map(([k, v]) => [camel(k), v])),
    children: block.children.map(blockJson),
    ...(block.preBlock ? { 'preBlock?': true } : {}),
  });
  const pageJson = (page: FakePage): object => ({
    uuid: page.uuid,
    name: page.name,
    originalName: page.originalName,
    'journal?': page.journal,
    ...(db
      ? {
          title: page.originalName,
          properties: Object.fromEntries(
            Object.entries(page.properties).map(([k, v]) => [camel(k), v]),
          ),
        }
      : {}),
  });
  const fail = (message: string): never => {
    throw new Error(message);
  };
  const newPage = (name: string, journal: boolean): FakePage => {
    if (pages.has(name.toLowerCase())) fail(`page "${name}" already exists`);
    const page: FakePage = {
      uuid: randomUUID(),
      name: name.toLowerCase(),
      originalName: name,
      journal,
      properties: {},
      tags: [],
      blocks: [],
    };
    pages.set(page.name, page);
    return page;
  };

  const editor: Record<string, (...args: unknown[]) => unknown> = {
    get_page: (id) => {
      z.union([z.string(), z.number()]).parse(id);
      const page = pageOf(id);
      return page ? pageJson(page) : null;
    },
    create_page: (name, properties, opts) => {
      z.string().min(1).parse(name);
      const props = z.record(z.string(), z.unknown()).optional().parse(properties) ?? {};
      const o = z
        .object({
          redirect: z.boolean().optional(),
          createFirstBlock: z.boolean().optional(),
          journal: z.boolean().optional(),
          format: z.string().optional(),
          customUUID: z.string().optional(),
        })
        .strict()
        .optional()
        .parse(opts);
      const page = newPage(name as string, o?.journal ?? false);
      if (Object.keys(props).length > 0) {
        if (db) page.properties = { ...props };
        else
          page.blocks.push({
            uuid: randomUUID(),
            content: '',
            properties: { ...props },
            children: [],
            preBlock: true,
          });
      }
      return pageJson(page);
    },
    get_page_blocks_tree: (id) => {
      const page = pageOf(id) ?? fail(`page ${String(id)} does not exist`);
      return page.blocks.map(blockJson);
    },
    insert_block: (target, content, opts) => {
      z.string().parse(target);
      z.string().parse(content);
      const o =
        z
          .object({
            before: z.boolean().optional(),
            sibling: z.boolean().optional(),
            isPageBlock: z.boolean().optional(),
            customUUID: Uuid.optional(),
            properties: z.record(z.string(), z.string()).optional(),
            focus: z.boolean().optional(),
            start: z.boolean().optional(),
            end: z.boolean().optional(),
          })
          .strict()
          .optional()
          .parse(opts) ?? {};
      const uuid = (o.customUUID ?? randomUUID()).toLowerCase();
      if (blockOf(uuid)) fail(`a block with uuid ${uuid} exists already`);
      const props = o.properties ?? {};
      const fromText = Object.fromEntries(
        (content as string)
          .split('\n')
          .map((l) => /^([^\s:]+)::\s*(.*)$/.exec(l))
          .filter((m) => m !== null)
          .map((m) => [m[1]!, m[2]!]),
      );
      const text = (content as string)
        .split('\n')
        .filter((l) => !/^[^\s:]+::/.test(l))
        .join('\n');
      const block: FakeBlock = {
        uuid,
        content: text,
        properties: { ...fromText, ...props },
        children: [],
        ...(text === '' && Object.keys(fromText).length > 0 ? { preBlock: true } : {}),
      };
      if (o.isPageBlock) {
        const page = pageOf(target) ?? fail(`page ${target} does not exist`);
        page.blocks.push(block);
      } else {
        const at = blockOf(target as string) ?? fail(`block ${target} does not exist`);
        if (o.sibling === false || o.sibling === undefined) at.block.children.unshift(block);
        else at.siblings.splice(at.siblings.indexOf(at.block) + (o.before ? 0 : 1), 0, block);
      }
      return blockJson(block);
    },
    update_block: (uuid, content, opts) => {
      Uuid.parse(uuid);
      z.string().parse(content);
      Opts.parse(opts);
      const at = blockOf(uuid as string) ?? fail(`block ${uuid} does not exist`);
      at.block.content = content as string;
      return null;
    },
    remove_block: (uuid) => {
      Uuid.parse(uuid);
      const at = blockOf(uuid as string) ?? fail(`block ${uuid} does not exist`);
      at.siblings.splice(at.siblings.indexOf(at.block), 1);
      return null;
    },
    upsert_block_property: (uuid, key, value) => {
      z.string().parse(uuid);
      z.string().min(1).parse(key);
      z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).parse(value);
      const page = db ? pageOf(uuid) : undefined;
      if (page) {
        page.properties[key as string] = value;
        return null;
      }
      const at = blockOf(uuid as string) ?? fail(`block ${uuid} does not exist`);
      at.block.properties[key as string] = value;
      return null;
    },
  };
  const dbOnly: Record<string, (...args: unknown[]) => unknown> = {
    create_journal_page: (date) => {
      const day = z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .parse(date);
      const name = `journal ${day}`;
      return pageJson(pages.get(name) ?? newPage(name, true));
    },
    create_tag: (name) => {
      z.string().min(1).parse(name);
      if ((name as string).includes('/')) fail('a tag name cannot contain "/"');
      const page = newPage(name as string, false);
      return pageJson(page);
    },
    add_block_tag: (id, tag) => {
      z.string().parse(id);
      const tagPage = pageOf(tag) ?? fail(`tag ${String(tag)} does not exist`);
      const page = pageOf(id) ?? fail(`page ${String(id)} does not exist`);
      page.tags.push(tagPage.originalName);
      return null;
    },
  };
  const app: Record<string, (...args: unknown[]) => unknown> = {
    get_user_configs: () => ({ preferredDateFormat: 'MMM do, yyyy', preferredFormat: 'markdown' }),
    ...(db ? { check_current_is_db_graph: () => true } : {}),
  };

  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  for (const [name, f] of Object.entries({ ...editor, ...(db ? dbOnly : {}) }))
    handlers.set(db ? `editor@${name}` : name, f);
  for (const [name, f] of Object.entries(app)) handlers.set(db ? `app@${name}` : name, f);

  /** electron.server/resolve-real-api-method, file-based 0.10 and DB-based versions. */
  const resolve = (method: string): string => {
    if (!method.startsWith('logseq.')) return method.trim();
    const parts = method.trim().split('.');
    const tag = parts[1] ?? '';
    const last = parts.at(-1)!;
    const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    if (db) return `${tag.toLowerCase()}@${snake(last)}`;
    return snake(['ui', 'git', 'assets'].includes(tag.toLowerCase()) ? `${tag}_${last}` : last);
  };

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (options.tokens !== undefined) {
      const token = (req.headers.authorization ?? '').replace('Bearer ', '');
      if (token.trim() === '' || !options.tokens.includes(token))
        return send(401, { statusCode: 401, error: 'Unauthorized', message: 'Access Denied!' });
    }
    if (req.method !== 'POST' || req.url !== '/api')
      return send(404, {
        message: `Route ${req.method}:${req.url} not found`,
        error: 'Not Found',
        statusCode: 404,
      });
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = JSON.parse(text) as { method?: unknown; args?: unknown };
    if (typeof body.method !== 'string' || body.method.trim() === '')
      return send(400, {
        statusCode: 400,
        error: 'Bad Request',
        message: ':method of body is missing!',
      });
    const resolved = resolve(body.method);
    const args = Array.isArray(body.args) ? body.args : [];
    calls.push({
      sent: body.method,
      resolved,
      args,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    const handler = handlers.get(resolved);
    // The renderer's answer to a failure is { error } (file-based: sent as is; DB-based: 500).
    const failed = (message: string) => send(db ? 500 : 200, { error: message });
    if (handler === undefined) return failed(`MethodNotExist: ${resolved}`);
    try {
      const result = handler(...args);
      return send(200, result ?? undefined);
    } catch (error) {
      return failed(
        error instanceof z.ZodError ? `bad arguments: ${error.message}` : (error as Error).message,
      );
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    pages,
    page: (name) => pages.get(name.toLowerCase()),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
