// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} references are the syntax under test
import { describe, expect, it } from 'vitest';
import {
  type McpServersConfigInput,
  McpServersConfigSchema,
  mcpServerNameProblem,
  mcpServerUrlProblem,
} from './McpServersConfig.js';

const parse = (mcpServers: Record<string, unknown>) =>
  McpServersConfigSchema.safeParse({ mcpServers });

const messages = (mcpServers: Record<string, unknown>) => {
  const result = parse(mcpServers);
  expect(result.success).toBe(false);
  // Paths without the leading "mcpServers"; a bad name reports its own message inside invalid_key.
  return (result.error?.issues ?? []).map(
    (i) =>
      `${i.path.slice(1).join('.')}: ${i.code === 'invalid_key' ? i.issues.map((k) => k.message).join('; ') : i.message}`,
  );
};

describe('McpServersConfigSchema', () => {
  it('reads a server with command as stdio, filling in empty args and env', () => {
    const result = parse({ github: { command: 'npx' } });
    expect(result.data?.mcpServers.github).toEqual({
      transport: 'stdio',
      command: 'npx',
      args: [],
      env: {},
    });
  });

  it('keeps args, env and cwd of a stdio server', () => {
    const result = parse({
      fs: { command: 'node', args: ['server.js', '--root', '/tmp'], env: { A: '1' }, cwd: '/srv' },
    });
    expect(result.data?.mcpServers.fs).toEqual({
      transport: 'stdio',
      command: 'node',
      args: ['server.js', '--root', '/tmp'],
      env: { A: '1' },
      cwd: '/srv',
    });
  });

  it('reads a server with url as Streamable HTTP, with its headers', () => {
    const result = parse({
      docs: { url: 'https://example.com/mcp', headers: { Authorization: 'Bearer x' } },
      bare: { url: 'http://127.0.0.1:3000/mcp' },
    });
    expect(result.data?.mcpServers).toEqual({
      docs: {
        transport: 'http',
        url: 'https://example.com/mcp',
        headers: { Authorization: 'Bearer x' },
      },
      bare: { transport: 'http', url: 'http://127.0.0.1:3000/mcp', headers: {} },
    });
  });

  it.each([
    ['stdio', { type: 'stdio', command: 'x' }, 'stdio'],
    ['http', { type: 'http', url: 'https://h/mcp' }, 'http'],
    ['streamable-http', { type: 'streamable-http', url: 'https://h/mcp' }, 'http'],
  ])('accepts type "%s" as VS Code and Claude Code write it', (_, server, transport) => {
    expect(parse({ s: server }).data?.mcpServers.s?.transport).toBe(transport);
  });

  it('lets type decide when a server has both command and url', () => {
    expect(messages({ s: { type: 'stdio', command: 'x', url: 'https://h' } })).toEqual([
      's.url: a stdio server has no url',
    ]);
  });

  it('refuses a server with both command and url and no type, or with neither', () => {
    expect(messages({ both: { command: 'x', url: 'https://h' }, none: {} })).toEqual([
      'both: a server has either command (stdio) or url (Streamable HTTP), not both; set "type" or remove one',
      'none: a server needs either command (stdio) or url (Streamable HTTP)',
    ]);
  });

  it('refuses fields of the other transport and a missing required one', () => {
    expect(
      messages({
        h: { url: 'https://h', env: { A: '1' }, args: [] },
        s: { type: 'http', command: 'x' },
      }),
    ).toEqual([
      'h.args: a Streamable HTTP server has no args',
      'h.env: a Streamable HTTP server has no env',
      's.url: required field is missing (a Streamable HTTP server needs url)',
      's.command: a Streamable HTTP server has no command',
    ]);
  });

  it('refuses SSE and unknown types, unknown fields, and values of the wrong type', () => {
    const issues = messages({
      sse: { type: 'sse', url: 'https://h/sse' },
      off: { command: 'x', disabled: true },
      num: { command: 'x', args: [1], env: { A: 2 } },
    });
    expect(issues).toContain(
      'sse.type: expected "stdio", "http" or "streamable-http" (SSE servers are not supported)',
    );
    expect(issues).toContain('off: Unrecognized key: "disabled"');
    expect(issues.filter((i) => i.startsWith('num.'))).toEqual([
      'num.args.0: Invalid input: expected string, received number',
      'num.env.A: Invalid input: expected string, received number',
    ]);
  });

  it('checks a url, unless it holds ${VAR} references (checked after expansion)', () => {
    expect(messages({ a: { url: 'not a url' }, b: { url: 'ftp://h/mcp' } })).toEqual([
      'a.url: "not a url" is not a URL',
      'b.url: "ftp://h/mcp" is not an http: or https: URL',
    ]);
    expect(parse({ c: { url: '${BASE_URL}/mcp' } }).success).toBe(true);
  });

  it('refuses server names that cannot prefix tool names, even beside other errors', () => {
    const issues = messages({ git__hub: { command: 'x' }, broken: {} });
    expect(issues).toContain(
      'git__hub: server name "git__hub" must not contain "__" (tools are named <server>__<tool>)',
    );
    expect(issues).toContain(
      'broken: a server needs either command (stdio) or url (Streamable HTTP)',
    );
  });

  it('requires mcpServers and ignores other top-level keys', () => {
    expect(McpServersConfigSchema.safeParse({}).success).toBe(false);
    const input: McpServersConfigInput & { globalShortcut: string } = {
      globalShortcut: 'Ctrl+Space',
      mcpServers: {},
    };
    expect(McpServersConfigSchema.parse(input)).toEqual({ mcpServers: {} });
  });
});

describe('mcpServerNameProblem', () => {
  it.each(['github', 'my-server', 'fs_2', 'A', '_private'])('accepts "%s"', (name) => {
    expect(mcpServerNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', 'must not be empty'],
    ['git__hub', 'must not contain "__"'],
    ['a___b', 'must not contain "__"'],
    ['trailing_', 'must not end with "_"'],
    ['has space', 'may contain only letters, digits'],
    ['dotted.name', 'may contain only letters, digits'],
    ['slash/name', 'may contain only letters, digits'],
  ])('refuses "%s" (%s)', (name, problem) => {
    expect(mcpServerNameProblem(name)).toContain(problem);
  });
});

describe('mcpServerUrlProblem', () => {
  it('accepts http and https URLs only', () => {
    expect(mcpServerUrlProblem('https://example.com/mcp')).toBeUndefined();
    expect(mcpServerUrlProblem('http://localhost:8080/mcp')).toBeUndefined();
    expect(mcpServerUrlProblem('ws://localhost/mcp')).toContain('not an http: or https: URL');
    expect(mcpServerUrlProblem('/relative/mcp')).toContain('is not a URL');
  });
});
