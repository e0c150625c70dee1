import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaScopes } from '@tta-dev/personas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { runPersonaCommand } from './personaCommand.js';

let home: string;
let project: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'tta-home-'));
  project = await mkdtemp(join(tmpdir(), 'tta-project-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(project, { recursive: true, force: true });
});

async function run(
  args: string[],
  options: { tty?: boolean; answer?: boolean; cwd?: string; env?: Record<string, string> } = {},
) {
  const io = captureIo({
    env: { TTA_HOME: home, ...options.env },
    cwd: options.cwd ?? project,
    ...options,
  });
  const code = await runSafely(io, () => runPersonaCommand(args, io));
  return { code, out: io.out(), err: io.err() };
}

const config = async () => JSON.parse(await readFile(join(home, 'config.json'), 'utf8'));

describe('tta-persona', () => {
  it('lists the six built-ins with icon, aliases, budget, servers, tools and source', async () => {
    const { code, out } = await run(['list']);
    expect(code).toBe(0);
    for (const name of [
      'tta-backend-engineer',
      'tta-frontend-engineer',
      'tta-testing-specialist',
      'tta-observability-expert',
      'tta-devops-engineer',
      'tta-data-scientist',
    ])
      expect(out).toContain(name);
    expect(out).toMatch(/PERSONA\s+ALIASES\s+BUDGET\s+SERVERS\s+TOOLS\s+SOURCE/);
    expect(out).toMatch(/⚙️ tta-backend-engineer\s+backend, be\s+17000\s+github, git/);
    expect(out).toContain('No persona is active');
  });

  it('switches by alias, and current, list and config.json all see it', async () => {
    const switched = await run(['obs']);
    expect(switched.code).toBe(0);
    expect(switched.out).toContain('Observability Expert (tta-observability-expert) is now active');
    expect((await run(['current'])).out).toBe(
      '📊 Observability Expert (tta-observability-expert) · user scope\n',
    );
    expect((await run(['list'])).out).toMatch(/\*\s+📊 tta-observability-expert/);
    expect((await config()).activePersona).toMatchObject({
      name: 'tta-observability-expert',
      source: 'builtin',
    });
  });

  it('current names the scope of the persona in force: a run of the project, the project, the user', async () => {
    expect((await run(['backend'])).code).toBe(0);
    const switched = await run(['testing', '--project']);
    expect(switched.out).toContain('is now active in this project');
    // --project writes the project's scope; the user's keeps its persona.
    expect((await config()).activePersona.name).toBe('tta-backend-engineer');
    expect((await run(['current'])).out).toBe(
      '🧪 Testing Specialist (tta-testing-specialist) · project scope\n',
    );
    expect((await run(['current'], { cwd: home })).out).toBe(
      '⚙️ Backend Engineer (tta-backend-engineer) · user scope\n',
    );
    // A run's scope, as the engine writes it while a stage of run r1 runs (this process is alive).
    const runScope = new PersonaScopes({ home, project }).runScope('r1');
    await runScope.activate({
      name: 'tta-devops-engineer',
      displayName: 'DevOps Engineer',
      icon: '🚀',
      source: 'builtin',
      run: { id: 'r1', stage: 'ship', pid: process.pid, host: hostname() },
    });
    expect((await run(['current'])).out).toBe(
      '🚀 DevOps Engineer (tta-devops-engineer) · project scope, stage ship of run r1\n',
    );
    expect((await run(['current', '--run', 'r1'])).out).toContain('· run r1 scope');
    expect(JSON.parse((await run(['current', '--json'])).out)).toMatchObject({
      name: 'tta-devops-engineer',
      scope: 'project',
      file: join(project, '.tta', 'persona-runs', 'r1.json'),
    });
    // Given back: the project's own persona is in force again.
    await runScope.activate(null);
    expect((await run(['current'])).out).toContain('(tta-testing-specialist) · project scope');
  });

  it.each([
    [['use', 'data'], 'tta-data-scientist'],
    [['ds'], 'tta-data-scientist'],
    [['Backend'], 'tta-backend-engineer'],
    [['backend-developer'], 'tta-backend-engineer'],
    [['tta-devops-engineer'], 'tta-devops-engineer'],
  ])('%j switches to %s', async (args, name) => {
    expect((await run(args)).code).toBe(0);
    expect((await config()).activePersona.name).toBe(name);
  });

  it('gives machine-readable output with --json', async () => {
    await run(['devops']);
    const current = JSON.parse((await run(['current', '--json'])).out);
    expect(current).toMatchObject({
      name: 'tta-devops-engineer',
      displayName: 'DevOps Engineer',
      icon: '🚀',
    });
    const list = JSON.parse((await run(['list', '--json'])).out);
    expect(list).toHaveLength(6);
    expect(list.find((p: { active: boolean }) => p.active).name).toBe('tta-devops-engineer');
    const shown = JSON.parse((await run(['show', 'fe', '--json'])).out);
    expect(shown).toMatchObject({ name: 'tta-frontend-engineer', source: { kind: 'builtin' } });
    const history = JSON.parse((await run(['history', '--json'])).out);
    expect(history).toEqual([expect.objectContaining({ from: null, to: 'tta-devops-engineer' })]);
  });

  it('records history with the time spent in the previous persona', async () => {
    await run(['backend']);
    await run(['testing']);
    const { out } = await run(['history']);
    expect(out).toMatch(/none\s+tta-backend-engineer/);
    expect(out).toMatch(/tta-backend-engineer\s+tta-testing-specialist\s+\d+s/);
  });

  it('exits 2 on an unknown name and suggests the closest', async () => {
    const { code, err } = await run(['backnd']);
    expect(code).toBe(2);
    expect(err).toContain('unknown persona "backnd"; did you mean "backend"?');
    expect((await run(['show', 'devosp'])).err).toContain('"devops"');
  });

  it('exits 1 from current when none is active, saying why', async () => {
    const { code, out, err } = await run(['current']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('config.json does not exist yet');
    expect((await run(['current', '--json'])).out).toBe('null\n');
  });

  it('reports a corrupt config.json with its line, leaves it alone, and repairs it only with consent', async () => {
    const corrupt = '{\n  "activePersona": {\n    "name": "x",\n  }\n}\n';
    await writeFile(join(home, 'config.json'), corrupt);
    const current = await run(['current']);
    expect(current.code).toBe(2);
    expect(current.err).toMatch(/config\.json:4: not valid JSON/);
    expect(current.err).toContain('tta-persona reset');
    const switched = await run(['backend']);
    expect(switched.code).toBe(2);
    expect(await readFile(join(home, 'config.json'), 'utf8')).toBe(corrupt);

    const noTerminal = await run(['reset']);
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.err).toContain('pass --yes');
    const declined = await run(['reset'], { answer: false });
    expect(declined.code).toBe(1);
    expect(await readFile(join(home, 'config.json'), 'utf8')).toBe(corrupt);

    const reset = await run(['reset'], { answer: true });
    expect(reset.code).toBe(0);
    expect(reset.out).toMatch(/old file kept as .*config\.json\.bak-/);
    expect(await config()).toEqual({ personaHistory: [] });
    expect((await run(['backend'])).code).toBe(0);
  });

  it('loads project personas found upward, overriding by name, and shows their source', async () => {
    const folder = join(project, '.hypertool', 'personas');
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, 'captain.yaml'),
      'name: release-captain\ndisplayName: Release Captain\ndescription: Ships.\nicon: "⛵"\naliases: [captain]\ntokenBudget: 1600\nallowedServers: [github]\n',
    );
    const nested = join(project, 'packages', 'app');
    await mkdir(nested, { recursive: true });
    const { out } = await run(['list'], { cwd: nested });
    expect(out).toMatch(
      /⛵ release-captain\s+captain\s+1600\s+github\s+0 \+ all of github\s+project: /,
    );
    expect((await run(['captain'], { cwd: nested })).code).toBe(0);
    expect((await config()).activePersona).toMatchObject({
      name: 'release-captain',
      source: join(folder, 'captain.yaml'),
    });
  });

  it('exits 2 naming file, line and field when a persona file is invalid', async () => {
    const folder = join(home, 'personas');
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, 'bad.yaml'),
      'name: bad\ndisplayName: Bad\ndescription: d\ntokenBudget: many\n',
    );
    const listed = await run(['list']);
    expect(listed.code).toBe(2);
    expect(listed.err).toContain(`${join(folder, 'bad.yaml')}:4:1 tokenBudget:`);
    const validated = await run(['validate']);
    expect(validated.code).toBe(2);
    expect(validated.err).toMatch(/bad\.yaml:4:1 tokenBudget: .*number/);
  });

  it('validates the files it is given', async () => {
    await writeFile(
      join(project, 'ok.json'),
      JSON.stringify({ name: 'ok', displayName: 'OK', description: 'd', tokenBudget: 10 }),
    );
    await writeFile(
      join(project, 'bad.json'),
      '{"name": "bad", "displayName": "Bad", "description": "d", "tokenBudget": 10, "extra": 1}',
    );
    const { code, out, err } = await run(['validate', 'ok.json', 'bad.json']);
    expect(code).toBe(2);
    expect(out).toContain('✓');
    expect(err).toContain('extra: unknown field "extra"');
    const json = JSON.parse((await run(['validate', 'ok.json', '--json'])).out);
    expect(json).toEqual([{ file: join(project, 'ok.json'), valid: true, persona: 'ok' }]);
  });

  it('exports every persona in each assistant format, with the front matter each documents', async () => {
    const cases = [
      ['copilot', '.github/agents/tta-backend-engineer.agent.md'],
      ['claude', '.claude/agents/tta-backend-engineer.md'],
      ['cursor', '.cursor/rules/tta-backend-engineer.mdc'],
    ] as const;
    for (const [target, path] of cases) {
      const { code, out } = await run(['export', '--target', target, '--out', 'exported']);
      expect(code).toBe(0);
      expect(out.trim().split('\n')).toHaveLength(6);
      const text = await readFile(join(project, 'exported', path), 'utf8');
      const match = /^---\n([\s\S]*?)\n---\n\n([\s\S]*)$/.exec(text);
      expect(match, text.slice(0, 200)).not.toBeNull();
      const front = parseYaml(match![1]!);
      const body = match![2]!;
      expect(body).toContain('# ⚙️ Backend Engineer');
      expect(body).toContain('`**/.env`');
      if (target === 'copilot') {
        expect(Object.keys(front).sort()).toEqual(['description', 'name', 'tools']);
        expect(front.tools).toContain('tta/github__create_pull_request');
        expect(front.tools.every((t: string) => /^tta\/(\*|[\w-]+__[\w-]+)$/.test(t))).toBe(true);
      } else if (target === 'claude') {
        expect(front.name).toBe('tta-backend-engineer');
        expect(typeof front.description).toBe('string');
        const tools = front.tools.split(', ');
        expect(tools).toContain('mcp__tta__github__create_pull_request');
        expect(tools).toContain('Read');
        expect(tools.every((t: string) => /^(mcp__[\w-]+(__[\w-]+)?|[A-Z]\w+)$/.test(t))).toBe(
          true,
        );
      } else {
        expect(front).toMatchObject({
          alwaysApply: false,
          globs: expect.stringContaining('package.json'),
        });
        expect(front.description).toMatch(/^Backend Engineer: /);
        expect(body).toContain('`create_pull_request`');
      }
    }
    expect((await run(['export', '--target', 'emacs'])).code).toBe(2);
  });

  it('prints help everywhere, and rejects unknown options', async () => {
    for (const args of [['--help'], ['list', '--help'], ['export', '-h'], ['reset', '--help']]) {
      const { code, out } = await run(args);
      expect(code).toBe(0);
      expect(out).toMatch(/^Usage: tta-persona/);
    }
    const { code, err } = await run(['list', '--colour']);
    expect(code).toBe(2);
    expect(err).toContain("Unknown option '--colour'");
  });

  it('colours only on a terminal without NO_COLOR', async () => {
    await run(['backend']);
    expect((await run(['current'], { tty: true })).out).toContain('\u001b[1m');
    expect((await run(['current'], { tty: true, env: { NO_COLOR: '1' } })).out).not.toContain(
      '\u001b[',
    );
    expect((await run(['current'])).out).not.toContain('\u001b[');
  });
});
