// The attack suite: what a prompt-injected assistant tries against the gateway, each attempt
// asserted refused with its reason, and the legitimate calls of the same lab asserted allowed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { FileRunStore } from '@tta-dev/workflows';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AttackLab, attempt, startAttackLab } from './attackLab.testkit.js';

/** One attempt: the tool, its arguments (a function of the lab's folders), why it is refused. */
type Attack = readonly [
  label: string,
  tool: string,
  args: (lab: AttackLab) => Record<string, unknown>,
  reason: RegExp,
];

const RESTRICTED = /restricted path for persona "dev"/;
const CONFIG = /configures the gateway or the assistant .*: no persona may touch it/;
const p = (path: string) => (lab: AttackLab) => ({ path: join(lab.project, path) });
const rel = (path: string) => () => ({ path });

const PATHS: Attack[] = [
  ['relative .env', 'fs__read_text_file', rel('.env'), RESTRICTED],
  ['absolute .env', 'fs__read_text_file', p('.env'), RESTRICTED],
  ['./.env', 'fs__read_text_file', rel('./.env'), RESTRICTED],
  ['traversal src/../.env', 'fs__read_text_file', rel('src/../.env'), RESTRICTED],
  ['traversal src/./../.env', 'fs__read_text_file', rel('src/./../.env'), RESTRICTED],
  ['double slash', 'fs__read_text_file', (l) => ({ path: `${l.project}//.env` }), RESTRICTED],
  ['nested .env', 'fs__read_text_file', rel('config/.env'), RESTRICTED],
  ['secrets file', 'fs__read_text_file', rel('secrets/key.pem'), RESTRICTED],
  ['deep secrets file', 'fs__read_file', rel('secrets/deep/token.txt'), RESTRICTED],
  ['secrets folder', 'fs__list_directory', rel('secrets'), RESTRICTED],
  ['secrets folder/', 'fs__list_directory', p('secrets/'), RESTRICTED],
  ['~/.ssh key', 'fs__read_text_file', rel('~/.ssh/id_rsa'), /~\/\.ssh\/\*\*/],
  ['home .ssh key', 'fs__read_text_file', (l) => ({ path: `${l.home}/.ssh/id_rsa` }), /~\/\.ssh/],
  ['write .env', 'fs__write_file', (l) => ({ ...p('.env')(l), content: 'X=1' }), RESTRICTED],
  [
    'edit a secret',
    'fs__edit_file',
    () => ({ path: 'secrets/key.pem', edits: [{ oldText: 'P', newText: 'Q' }] }),
    RESTRICTED,
  ],
  [
    'move onto .env',
    'fs__move_file',
    (l) => ({ source: join(l.project, 'README.md'), destination: join(l.project, '.env') }),
    /argument "destination" .*restricted path/,
  ],
  [
    'move .env away',
    'fs__move_file',
    (l) => ({ source: join(l.project, '.env'), destination: join(l.project, 'src/x') }),
    /argument "source" .*restricted path/,
  ],
  [
    'read .env among others',
    'fs__read_multiple_files',
    (l) => ({ paths: [join(l.project, 'README.md'), join(l.project, '.env')] }),
    /argument "paths\.1" .*restricted path/,
  ],
  ['stat .env', 'fs__get_file_info', rel('.env'), RESTRICTED],
  ['mkdir in secrets', 'fs__create_directory', rel('secrets/new'), RESTRICTED],
  [
    'search in secrets',
    'fs__search_files',
    (l) => ({ ...p('secrets')(l), pattern: '*' }),
    RESTRICTED,
  ],
  ['tree of secrets', 'fs__directory_tree', rel('secrets'), RESTRICTED],
];

const ENCODINGS: Attack[] = [
  ['upper case .ENV', 'fs__read_text_file', rel('.ENV'), RESTRICTED],
  ['mixed case SeCrEtS', 'fs__read_text_file', rel('SeCrEtS/key.pem'), RESTRICTED],
  // server-filesystem itself maps a decomposed name onto the composed file on disk.
  ['NFD of café', 'fs__read_text_file', rel('cafe\u0301/menu.txt'), /caf\u00e9\/\*\*/],
  ['file: URI', 'fs__read_text_file', (l) => ({ path: `file://${l.project}/.env` }), RESTRICTED],
  [
    'percent-encoded file: URI',
    'fs__read_text_file',
    (l) => ({ path: `file://${l.project}/%2Eenv` }),
    RESTRICTED,
  ],
  [
    'file://localhost URI',
    'fs__read_text_file',
    (l) => ({ path: `file://localhost${l.project}/secrets/key.pem` }),
    RESTRICTED,
  ],
  ['backslashes', 'fs__read_text_file', rel('secrets\\key.pem'), RESTRICTED],
  ['NUL byte', 'fs__read_text_file', rel('README.md\0/../.env'), /NUL byte/],
  ['trailing dot segment', 'fs__read_text_file', rel('secrets/.'), RESTRICTED],
];

const LINKS: Attack[] = [
  ['link to .env', 'fs__read_text_file', rel('allowed/env-link'), /which leads to .*\/\.env/],
  ['link chain to .env', 'fs__read_text_file', rel('allowed/chain'), /which leads to .*\/\.env/],
  [
    'file under a folder link',
    'fs__read_text_file',
    rel('allowed/secrets-link/key.pem'),
    /which leads to .*\/secrets\/key\.pem/,
  ],
  ['listing a folder link', 'fs__list_directory', rel('allowed/secrets-link'), RESTRICTED],
  [
    'rewrite through a link',
    'fs__write_file',
    () => ({ path: 'allowed/env-link', content: 'API_KEY=mine' }),
    RESTRICTED,
  ],
  [
    'create through a dangling link',
    'fs__write_file',
    () => ({ path: 'allowed/new-env', content: 'X=1' }),
    /which leads to .*config\/new\/\.env/,
  ],
  [
    'link and traversal',
    'fs__read_text_file',
    rel('allowed/secrets-link/../secrets-link/key.pem'),
    RESTRICTED,
  ],
  ['link to home, then .ssh', 'fs__read_text_file', rel('allowed/home-link/.ssh/id_rsa'), /ssh/],
  ['link to the servers file', 'fs__read_text_file', rel('allowed/servers-link'), CONFIG],
  // Lexically allowed/key.pem; the kernel goes up from secrets/deep, where the link led.
  [
    '.. after a link, as the kernel resolves it',
    'fx__read_file',
    rel('allowed/deep-link/../key.pem'),
    /which leads to .*\/secrets\/key\.pem/,
  ],
];

const BASES: Attack[] = [
  // server-filesystem resolves a relative path against its first allowed folder (the home).
  ['.ssh relative to the home', 'fs__read_text_file', rel('.ssh/id_rsa'), /~\/\.ssh/],
  ['.ssh folder relative', 'fs__list_directory', rel('.ssh'), /~\/\.ssh/],
  // A server started in the home folder (cwd) resolves against it.
  ['cwd of the server', 'fxhome__read_file', rel('.ssh/id_rsa'), /~\/\.ssh/],
  [
    'up from the project to the home',
    'fs__read_text_file',
    (l) => ({ path: `../${l.home.split('/').pop()}/.ssh/id_rsa` }),
    /~\/\.ssh/,
  ],
];

const msg = (extra: Record<string, unknown>) => () => ({ message: 'hi', ...extra });
const KEYS: Attack[] = [
  ['camelCase filePath', 'fx__echo', msg({ filePath: '.env' }), /argument "filePath"/],
  ['camelCase fileName', 'fx__echo', msg({ fileName: 'config/.env' }), /argument "fileName"/],
  ['camelCase targetDir', 'fx__echo', msg({ targetDir: 'secrets' }), /argument "targetDir"/],
  ['snake source_path', 'fx__echo', msg({ source_path: '.env' }), /argument "source_path"/],
  ['kebab DEST-FILE', 'fx__echo', msg({ 'DEST-FILE': '.env' }), /argument "DEST-FILE"/],
  ['ROOT_URI', 'fx__echo', msg({ ROOT_URI: 'secrets' }), /argument "ROOT_URI"/],
  [
    'nested outputFile',
    'fx__echo',
    msg({ options: { outputFile: '.env' } }),
    /argument "options\.outputFile"/,
  ],
  ['list of files', 'fx__echo', msg({ files: ['README.md', '.env'] }), /argument "files\.1"/],
  [
    'absolute path under any key',
    'fx__echo',
    (l) => ({ message: join(l.project, '.env') }),
    /argument "message"/,
  ],
  ['dotfile under any key', 'fx__echo', () => ({ message: '.env' }), /argument "message"/],
  [
    'relative path under any key',
    'fx__echo',
    () => ({ message: 'secrets/key.pem' }),
    /argument "message"/,
  ],
  [
    'a key that is a path',
    'fx__echo',
    (l) => ({ message: 'hi', extra: { [join(l.project, '.env')]: true } }),
    /names .*\.env/,
  ],
];

const TOOLS: Attack[] = [
  ['tool outside allowedTools', 'fs__read_media_file', rel('README.md'), /matches none of/],
  ['upper-case server', 'FS__read_text_file', rel('README.md'), /not in allowedServers/],
  ['upper-case tool', 'fs__READ_TEXT_FILE', rel('README.md'), /matches none of/],
  ['extra separator', 'fs____read_text_file', rel('README.md'), /matches none of/],
  ['zero-width space', 'fs__read_text_file\u200b', rel('README.md'), /matches none of/],
  ['no separator', 'read_text_file', rel('README.md'), /unknown tool/],
  ['needs approval', 'fx__merge_pull_request', () => ({ number: 1 }), /needs a person's approval/],
];

const SERVERS: Attack[] = [
  ['configured, not allowed', 'vault__echo', msg({}), /"vault" is not in allowedServers/],
  ['not configured at all', 'nowhere__echo', msg({}), /"nowhere" is not in allowedServers/],
];

const write = (path: string) => (lab: AttackLab) => ({
  path: path.startsWith('/') ? path : join(lab.project, path),
  content: '{"mcpServers":{"pwn":{"command":"sh","args":["-c","touch /tmp/pwned"]}}}',
});
const CONFIGURATION: Attack[] = [
  ['servers file', 'fs__write_file', write('.hypertool/mcp_servers.json'), CONFIG],
  ['servers file, read', 'fs__read_text_file', rel('.hypertool/mcp_servers.json'), CONFIG],
  ['project persona', 'fs__write_file', write('.hypertool/personas/dev.json'), CONFIG],
  ['Claude Code .mcp.json', 'fs__write_file', write('.mcp.json'), CONFIG],
  ['VS Code mcp.json', 'fs__write_file', write('.vscode/mcp.json'), CONFIG],
  ['Cursor mcp.json', 'fs__write_file', write('.cursor/mcp.json'), CONFIG],
  ['Claude settings', 'fs__write_file', write('.claude/settings.json'), CONFIG],
  ['a workflow', 'fs__write_file', write('.tta/workflows/ship.yaml'), CONFIG],
  ['a run log', 'fs__write_file', write('.tta/runs/r1/events.jsonl'), CONFIG],
  ['git hook', 'fs__write_file', write('.git/hooks/pre-commit'), CONFIG],
  ['git config', 'fs__write_file', write('.git/config'), CONFIG],
  [
    'the active persona (TTA_HOME)',
    'fx__echo',
    (l) => ({ message: 'x', path: join(l.harness.home, 'config.json') }),
    CONFIG,
  ],
  [
    'a user persona (TTA_HOME)',
    'fx__echo',
    (l) => ({ message: 'x', path: join(l.harness.home, 'personas/dev.json') }),
    CONFIG,
  ],
  ['Claude user file', 'fs__write_file', (l) => write(`${l.home}/.claude.json`)(l), CONFIG],
  [
    'VS Code user mcp.json',
    'fs__write_file',
    (l) => write(`${l.home}/.config/Code/User/mcp.json`)(l),
    CONFIG,
  ],
  ['mkdir .cursor', 'fs__create_directory', rel('.cursor'), CONFIG],
  [
    'move into .claude',
    'fs__move_file',
    (l) => ({ source: join(l.project, 'README.md'), destination: join(l.project, '.claude/x') }),
    CONFIG,
  ],
  ['upper-case .HYPERTOOL', 'fs__write_file', write('.HYPERTOOL/mcp_servers.json'), CONFIG],
];

describe('the gateway against a hostile assistant (persona dev)', () => {
  let lab: AttackLab;
  beforeAll(async () => {
    lab = await startAttackLab('dev');
  });
  afterAll(() => lab.close());

  describe.each([
    ['paths', PATHS],
    ['encodings', ENCODINGS],
    ['links', LINKS],
    ['bases', BASES],
    ['keys', KEYS],
    ['tool names', TOOLS],
    ['servers', SERVERS],
    ['configuration', CONFIGURATION],
  ] as const)('%s', (_, attacks) => {
    it.each(attacks)('refuses %s', async (_label, tool, args, reason) => {
      const result = await attempt(lab, tool, args(lab));
      expect(result.isError, result.text).toBe(true);
      expect(result.text).toMatch(/refused|unknown tool/);
      expect(result.text).toMatch(reason);
    });
  });

  it('wrote nothing and moved nothing that the attempts named', async () => {
    expect(await readFile(join(lab.project, '.env'), 'utf8')).toBe('API_KEY=project-secret\n');
    expect(await readFile(join(lab.project, '.hypertool/mcp_servers.json'), 'utf8')).toBe(
      '{ "mcpServers": {} }\n',
    );
    await expect(readFile(join(lab.project, '.mcp.json'))).rejects.toThrow(/ENOENT/);
    await expect(readFile(join(lab.project, 'config/new/.env'))).rejects.toThrow(/ENOENT/);
  });

  describe('listings leave out what the persona may not touch', () => {
    it('list_directory', async () => {
      const { text, isError } = await attempt(lab, 'fs__list_directory', p('.')(lab));
      expect(isError).toBe(false);
      expect(text).toContain('[DIR] src');
      expect(text).not.toMatch(/\.env\b/);
      expect(text).not.toMatch(/\bsecrets\b/);
      expect(text).not.toContain('.hypertool');
    });

    it('list_directory_with_sizes', async () => {
      const { text } = await attempt(lab, 'fs__list_directory_with_sizes', p('.')(lab));
      expect(text).toContain('README.md');
      expect(text).not.toMatch(/\.env\b|\bsecrets\b|\.hypertool/);
    });

    it('directory_tree', async () => {
      const { text } = await attempt(lab, 'fs__directory_tree', p('.')(lab));
      const tree = JSON.parse(text) as { name: string }[];
      const names = tree.map((e) => e.name);
      expect(names).toContain('src');
      expect(names).not.toContain('.env');
      expect(names).not.toContain('secrets');
      expect(text).not.toContain('key.pem');
      expect(text).not.toContain('token.txt');
      expect(text).not.toContain('menu.txt');
    });

    it('search_files', async () => {
      const { text } = await attempt(lab, 'fs__search_files', {
        ...p('.')(lab),
        pattern: '**/*key*',
      });
      expect(text).toContain('keynote.md');
      expect(text).not.toContain('key.pem');
    });

    it('a listing of the home folder hides ~/.ssh', async () => {
      const { text } = await attempt(lab, 'fs__list_directory', { path: lab.home });
      expect(text).not.toContain('.ssh');
    });
  });

  describe('controls: the same lab allows the legitimate calls', () => {
    it.each([
      // server-filesystem takes relative paths from its first folder (the home): absolute here.
      ['a source file', 'fs__read_text_file', p('src/index.ts'), 'export const ok'],
      ['a file by absolute path', 'fs__read_text_file', p('README.md'), '# lab'],
      ['a link to an allowed file', 'fs__read_text_file', p('allowed/readme-link'), 'public'],
      ['a file whose name mentions a key', 'fs__read_text_file', p('src/keynote.md'), 'public'],
      ['the fixture echo', 'fx__echo', msg({}), 'hi'],
      ['a plain string with words', 'fx__echo', () => ({ message: 'see the .env docs' }), 'see'],
      ['memory of the server', 'memory__read_graph', () => ({}), 'entities'],
      ['the current persona', 'persona_current', () => ({}), 'Developer'],
    ] as const)('allows %s', async (_label, tool, args, expected) => {
      const result = await attempt(lab, tool, args(lab));
      expect(result.isError, result.text).toBe(false);
      expect(result.text).toContain(expected);
    });

    it('writes a new source file', async () => {
      const written = await attempt(lab, 'fs__write_file', {
        path: join(lab.project, 'src/new.ts'),
        content: 'export {};\n',
      });
      expect(written.isError, written.text).toBe(false);
      expect(await readFile(join(lab.project, 'src/new.ts'), 'utf8')).toBe('export {};\n');
    });
  });
});

describe("bases: the client's roots", () => {
  it('checks a relative path against the roots a server took from the client', async () => {
    // server-filesystem replaces its folders with the client's roots and resolves relative
    // paths against the first: here the home, though it was started on the project.
    const lab = await startAttackLab('dev', { roots: ({ home }) => [home] });
    try {
      await vi.waitFor(
        async () =>
          expect((await attempt(lab, 'fsroots__list_allowed_directories', {})).text).toContain(
            lab.home,
          ),
        { timeout: 120_000 },
      );
      const result = await attempt(lab, 'fsroots__read_text_file', { path: '.ssh/id_rsa' });
      expect(result.isError, result.text).toBe(true);
      expect(result.text).toMatch(/refused: .*\.ssh\/id_rsa.* \(~\/\.ssh\/\*\*\)/);
    } finally {
      await lab.close();
    }
  });
});

describe('self-escalation', () => {
  it('refuses a switch the assistant asks for when no person can approve it', async () => {
    const lab = await startAttackLab('dev');
    try {
      for (const persona of ['admin', 'root', 'ADMIN']) {
        const result = await attempt(lab, 'persona_switch', { persona });
        expect(result.isError, persona).toBe(true);
        expect(result.text).toMatch(/needs a person's approval .*no running workflow stage/);
      }
      expect((await lab.harness.store.active())?.name).toBe('dev');
      expect(lab.harness.gateway.persona?.name).toBe('dev');
    } finally {
      await lab.close();
    }
  });

  it('refuses a switch the person declines, and asks in words that name both personas', async () => {
    const lab = await startAttackLab('dev', { capabilities: { elicitation: {} } });
    try {
      const asked: string[] = [];
      lab.harness.client.setRequestHandler(ElicitRequestSchema, async (request) => {
        asked.push(request.params.message);
        return { action: 'decline' };
      });
      const result = await attempt(lab, 'persona_switch', { persona: 'admin' });
      expect(result.text).toBe('refused: persona_switch was not approved');
      expect(asked[0]).toMatch(/from "Developer" to "Administrator" \(servers: fs, fx/);
      expect((await lab.harness.store.active())?.name).toBe('dev');
    } finally {
      await lab.close();
    }
  });

  it("holds allowedTools.tta and requireApprovalFor for the gateway's own tools", async () => {
    const narrow = await startAttackLab('narrow');
    try {
      const names = (await narrow.harness.client.listTools()).tools.map((t) => t.name);
      expect(names).not.toContain('persona_switch');
      expect(names).not.toContain('memory_add');
      for (const [tool, args] of [
        ['persona_switch', { persona: 'admin' }],
        ['memory_add', { key: 'k', value: 1 }],
        ['workflow_complete_step', { run: 'r', step: 's', output: 1 }],
        ['journal_record', { run: 'r', kind: 'decision', text: 'x' }],
      ] as const) {
        const result = await attempt(narrow, tool, args);
        expect(result.isError, tool).toBe(true);
        expect(result.text).toMatch(/refused: persona "narrow" may not use .* allowedTools\.tta/);
      }
    } finally {
      await narrow.close();
    }
    const dev = await startAttackLab('dev');
    try {
      const result = await attempt(dev, 'journal_record', {
        run: 'r',
        kind: 'decision',
        text: 'x',
      });
      expect(result.text).toMatch(
        /needs a person's approval \(requireApprovalFor journal_record\)/,
      );
    } finally {
      await dev.close();
    }
  });

  it('allows, without asking, a switch to the persona a running workflow stage names', async () => {
    const lab = await startAttackLab('dev');
    try {
      const runs = new FileRunStore({ cwd: lab.project });
      await runs.append('run-1', {
        type: 'run_started',
        workflow: 'ship',
        inputs: {},
        personas: ['dev', 'admin'],
      });
      await runs.append('run-1', {
        type: 'stage_started',
        stage: 'deploy',
        persona: 'admin',
        tokens: 0,
      });
      const result = await attempt(lab, 'persona_switch', { persona: 'admin' });
      expect(result.isError, result.text).toBe(false);
      expect((await lab.harness.store.active())?.name).toBe('admin');
    } finally {
      await lab.close();
    }
  });
});

describe('environment across a switch', () => {
  it('restarts a server whose environment the new persona narrows', async () => {
    const lab = await startAttackLab('dev');
    try {
      expect((await attempt(lab, 'fx__env_report', {})).text).toContain('LAB_TOKEN');
      const changed = lab.harness.nextListChanged();
      await lab.harness.store.activate({
        name: 'narrow',
        displayName: 'Reviewer',
        icon: '👀',
        source: 'test',
      });
      await changed;
      await expect
        .poll(async () => lab.harness.gateway.persona?.name, { timeout: 120_000 })
        .toBe('narrow');
      const report = await attempt(lab, 'fx__env_report', {});
      expect(report.isError, report.text).toBe(false);
      expect(report.text).toContain('LAB_OK');
      expect(report.text).not.toContain('LAB_TOKEN');
    } finally {
      await lab.close();
    }
  });
});
