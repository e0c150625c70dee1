import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devops } from '../builtins/devops.js';
import { type PersonaInput, PersonaSchema } from '../schema/PersonaSchema.js';
import {
  checkGatewayTool,
  checkPath,
  checkTool,
  filterEnvironment,
  isPathAllowed,
  isServerAllowed,
  isToolAllowed,
  needsApproval,
  toolNeedsApproval,
} from './policy.js';

const persona = (fields: Partial<PersonaInput>) =>
  PersonaSchema.parse({
    name: 'policy-test',
    displayName: 'Policy test',
    description: 'A persona for policy tests.',
    tokenBudget: 1000,
    ...fields,
  });

describe('checkTool', () => {
  const p = persona({
    allowedServers: ['github', 'filesystem', 'memory'],
    allowedTools: { github: ['get_*', 'list_issues', 'search_{code,issues}'], memory: [] },
  });

  it.each([
    ['slack', 'post_message', false, 'server "slack" is not in allowedServers'],
    ['filesystem', 'write_file', true, 'all tools of "filesystem"'],
    ['filesystem', 'anything_at_all', true, 'all tools of "filesystem"'],
    ['github', 'get_issue', true, 'get_*'],
    ['github', 'get_file_contents', true, 'get_*'],
    ['github', 'list_issues', true, 'list_issues'],
    ['github', 'search_code', true, 'search_{code,issues}'],
    ['github', 'search_users', false, '"search_users" matches none of allowedTools.github'],
    ['github', 'list_issues_2', false, '"list_issues_2" matches none of allowedTools.github'],
    ['github', 'forget_me', false, '"forget_me" matches none of allowedTools.github'],
    [
      'github',
      'merge_pull_request',
      false,
      '"merge_pull_request" matches none of allowedTools.github',
    ],
    ['memory', 'read_graph', false, '"read_graph" matches none of allowedTools.memory'],
  ])('%s / %s → allowed %s (%s)', (server, tool, allowed, rule) => {
    expect(checkTool(p, server, tool)).toEqual({ allowed, rule });
    expect(isToolAllowed(p, server, tool)).toBe(allowed);
  });

  it('allows servers by exact name only', () => {
    expect(isServerAllowed(p, 'github')).toBe(true);
    expect(isServerAllowed(p, 'GitHub')).toBe(false);
    expect(isServerAllowed(p, 'git')).toBe(false);
  });

  it('allows nothing of a server the persona does not list, whatever its tools', () => {
    const none = persona({});
    expect(checkTool(none, 'github', 'get_me').allowed).toBe(false);
  });
});

describe('checkGatewayTool', () => {
  it("allows all of the gateway's own tools unless allowedTools.tta limits them", () => {
    expect(checkGatewayTool(persona({}), 'persona_switch').allowed).toBe(true);
    const limited = persona({ allowedTools: { tta: ['persona_current', 'memory_*'] } });
    expect(checkGatewayTool(limited, 'memory_add').allowed).toBe(true);
    expect(checkGatewayTool(limited, 'persona_switch')).toEqual({
      allowed: false,
      rule: '"persona_switch" matches none of allowedTools.tta',
    });
  });
});

describe('checkPath', () => {
  const cwd = '/work/project';
  const home = '/home/tester';
  const p = persona({
    restrictedPaths: [
      '**/.env',
      'infra/**',
      '~/.ssh/**',
      'secrets',
      'build/',
      '/etc/**',
      '**/node_modules/**',
    ],
  });

  it.each([
    // Relative patterns against relative paths.
    ['.env', '**/.env'],
    ['packages/api/.env', '**/.env'],
    ['./packages/api/.env', '**/.env'],
    ['infra/main.tf', 'infra/**'],
    ['infra/modules/vpc/main.tf', 'infra/**'],
    ['infra', 'infra/**'],
    ['web/node_modules/react/index.js', '**/node_modules/**'],
    // ...and against absolute paths under cwd.
    [`${cwd}/.env`, '**/.env'],
    [`${cwd}/infra/main.tf`, 'infra/**'],
    [`${cwd}/src/../infra/main.tf`, 'infra/**'],
    // `**/` patterns apply anywhere, even outside cwd.
    ['../other/.env', '**/.env'],
    ['/srv/app/.env', '**/.env'],
    // `~/` patterns, with the injected home, against `~/` and absolute paths.
    ['~/.ssh/config', '~/.ssh/**'],
    [`${home}/.ssh/known_hosts`, '~/.ssh/**'],
    // Absolute patterns.
    ['/etc/passwd', '/etc/**'],
    // A restricted folder restricts what is inside it.
    ['secrets', 'secrets'],
    ['secrets/db/password.txt', 'secrets'],
    [`${cwd}/secrets/api-key`, 'secrets'],
    ['build/out.js', 'build/'],
  ])('restricts %s by %s', (path, rule) => {
    expect(checkPath(p, path, { cwd, home })).toEqual({ allowed: false, rule });
    expect(isPathAllowed(p, path, { cwd, home })).toBe(false);
  });

  it.each([
    'src/index.ts',
    '.env.example',
    'packages/infra/main.tf', // `infra/**` is anchored at cwd
    'secrets-public/readme.md',
    'my-secrets',
    '.',
    cwd,
    '../other/infra/main.tf', // outside cwd, a relative pattern does not apply
    '/srv/infra/main.tf',
    '/other/home/.ssh/config', // `~` is the injected home, not any home
    '~/.sshx/config',
    '/etcetera/passwd',
  ])('allows %s', (path) => {
    expect(checkPath(p, path, { cwd, home })).toEqual({
      allowed: true,
      rule: 'no restricted path matches',
    });
  });

  it.each([
    ['.ENV', '**/.env'],
    ['Infra/Main.tf', 'infra/**'],
    [`${cwd}/SECRETS/key`, 'secrets'],
  ])('ignores letter case: restricts %s by %s', (path, rule) => {
    expect(checkPath(p, path, { cwd, home })).toEqual({ allowed: false, rule });
  });

  it('matches decomposed (NFD) spellings against composed (NFC) patterns, and back', () => {
    const accented = persona({ restrictedPaths: ['caf\u00e9/**', 'cre\u0300me/**'] });
    expect(checkPath(accented, 'cafe\u0301/menu.txt', { cwd, home }).allowed).toBe(false);
    expect(checkPath(accented, 'cr\u00e8me/recipe.txt', { cwd, home }).allowed).toBe(false);
    expect(checkPath(accented, 'cafe/menu.txt', { cwd, home }).allowed).toBe(true);
  });

  it('restricts what alsoRestricted names whatever the persona says', () => {
    const open = persona({});
    const options = { cwd, home, alsoRestricted: ['**/.hypertool/**'] };
    expect(checkPath(open, '.hypertool/mcp_servers.json', options)).toEqual({
      allowed: false,
      rule: '**/.hypertool/**',
    });
    expect(checkPath(open, 'src/index.ts', options).allowed).toBe(true);
  });

  it('takes relative paths from cwd', () => {
    const elsewhere = '/work/other';
    expect(isPathAllowed(p, 'infra/main.tf', { cwd: elsewhere, home })).toBe(false);
    expect(isPathAllowed(p, join(cwd, 'infra/main.tf'), { cwd: elsewhere, home })).toBe(true);
  });

  it('reports the first pattern that matches', () => {
    const both = persona({ restrictedPaths: ['infra/**', '**/*.tf'] });
    expect(checkPath(both, 'infra/main.tf', { cwd, home }).rule).toBe('infra/**');
    expect(checkPath(both, 'modules/main.tf', { cwd, home }).rule).toBe('**/*.tf');
  });
});

describe('filterEnvironment', () => {
  const p = persona({
    security: {
      allowEnvironmentAccess: ['GITHUB_*', 'AWS_REGION', 'PG*', 'DATABASE_URL'],
      blockList: ['AWS_*', '*_PASSWORD', 'GITHUB_APP_PRIVATE_KEY', 'SHELL'],
      requireApprovalFor: [],
    },
  });

  it('keeps the base variables and the allowed ones, drops the rest with reasons', () => {
    const { env, dropped } = filterEnvironment(p, {
      PATH: '/usr/bin',
      HOME: '/home/tester',
      LANG: 'en_GB.UTF-8',
      LC_ALL: 'C',
      TMPDIR: '/tmp',
      SHELL: '/bin/bash',
      GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_x',
      GITHUB_TOOLSETS: 'repos,issues',
      GITHUB_APP_PRIVATE_KEY: 'key',
      PGHOST: 'db',
      DATABASE_URL: 'postgres://db',
      DB_PASSWORD: 'hunter2',
      AWS_REGION: 'eu-west-1',
      AWS_SECRET_ACCESS_KEY: 'secret',
      OPENAI_API_KEY: 'sk-x',
      path: 'lower-case is another variable',
      UNSET: undefined,
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/tester',
      LANG: 'en_GB.UTF-8',
      LC_ALL: 'C',
      TMPDIR: '/tmp',
      GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_x',
      GITHUB_TOOLSETS: 'repos,issues',
      PGHOST: 'db',
      DATABASE_URL: 'postgres://db',
    });
    expect(dropped).toEqual([
      { name: 'SHELL', reason: 'blocked' },
      { name: 'GITHUB_APP_PRIVATE_KEY', reason: 'blocked' },
      { name: 'DB_PASSWORD', reason: 'blocked' },
      { name: 'AWS_REGION', reason: 'blocked' },
      { name: 'AWS_SECRET_ACCESS_KEY', reason: 'blocked' },
      { name: 'OPENAI_API_KEY', reason: 'not allowed' },
      { name: 'path', reason: 'not allowed' },
    ]);
  });

  it.each([
    ['TERM', true],
    ['USER', true],
    ['LOGNAME', true],
    ['TZ', true],
    ['LC_CTYPE', true],
    ['GITHUB_TOKEN', true],
    ['PGPASSWORD', true], // `*_PASSWORD` needs the underscore
    ['AWS_PROFILE', false],
    ['NPM_TOKEN', false],
    ['SSH_AUTH_SOCK', false],
    ['XDG_CONFIG_HOME', false],
  ])('%s kept: %s', (name, kept) => {
    expect(name in filterEnvironment(p, { [name]: 'x' }).env).toBe(kept);
  });

  it('gives a persona without security settings only the base variables', () => {
    const { env } = filterEnvironment(persona({}), { PATH: '/bin', GITHUB_TOKEN: 't', CI: '1' });
    expect(env).toEqual({ PATH: '/bin' });
  });
});

describe('needsApproval and toolNeedsApproval', () => {
  const p = persona({
    allowedServers: ['github', 'kubernetes'],
    security: {
      allowEnvironmentAccess: [],
      blockList: [],
      requireApprovalFor: [
        'github__merge_pull_request',
        'kubernetes__kubectl_*',
        'run:git push*',
        'run:npm publish*',
        'run:kubectl *',
      ],
    },
  });

  it.each([
    ['github', 'merge_pull_request', 'github__merge_pull_request'],
    ['github', 'create_pull_request', undefined],
    ['kubernetes', 'kubectl_apply', 'kubernetes__kubectl_*'],
    ['kubernetes', 'kubectl_get', 'kubernetes__kubectl_*'],
    ['kubernetes', 'ping', undefined],
    ['git', 'merge_pull_request', undefined],
  ])('tool %s / %s → %s', (server, tool, rule) => {
    expect(toolNeedsApproval(p, server, tool)).toBe(rule);
    expect(needsApproval(p, `${server}__${tool}`)).toBe(rule);
  });

  it.each([
    ['run:git push', 'run:git push*'],
    ['run:git push --force origin main', 'run:git push*'],
    ['run:git push origin feature/login', 'run:git push*'],
    ['run:git push git@github.com:org/repo.git HEAD:refs/heads/main', 'run:git push*'],
    ['run:npm publish --registry https://registry.npmjs.org/', 'run:npm publish*'],
    ['run:kubectl apply -f k8s/deployment.yaml', 'run:kubectl *'],
    ['run:kubectl get pods', 'run:kubectl *'],
    ['run:git status', undefined],
    ['run:npm test', undefined],
    ['run:echo git push', undefined],
    ['git push', undefined], // a command is only ever an action as `run:<command>`
  ])('command %s → %s', (action, rule) => {
    expect(needsApproval(p, action)).toBe(rule);
  });

  it('applies the built-ins rules to real commands and tools', () => {
    const ops = PersonaSchema.parse(devops);
    expect(needsApproval(ops, 'run:pnpm publish -r --access public')).toBe('run:pnpm publish*');
    expect(needsApproval(ops, 'run:kubectl rollout undo deployment/api')).toBe('run:kubectl *');
    expect(toolNeedsApproval(ops, 'kubernetes', 'kubectl_apply')).toBe('kubernetes__kubectl_apply');
    expect(toolNeedsApproval(ops, 'kubernetes', 'kubectl_get')).toBeUndefined();
  });
});
