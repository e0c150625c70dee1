import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersonaScopes } from './PersonaScopes.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-scopes-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const who = (name: string) => ({ name, displayName: name, icon: '·', source: 'test' });
const held = (name: string, id: string, pid = process.pid) => ({
  ...who(name),
  run: { id, stage: 'st', pid, host: hostname() },
});

describe('PersonaScopes', () => {
  it("keeps its runs' scopes out of git: the project's status stays clean", async () => {
    const project = join(root, 'repo');
    execFileSync('git', ['init', '-q', project]);
    const scopes = new PersonaScopes({ home: join(root, 'home'), project });
    await scopes.runScope('r1').activate(held('r1-stage', 'r1'));
    expect(scopes.liveRuns().map((r) => r.runId)).toEqual(['r1']);
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(status).toBe('');
  });

  it('resolves run > project (its latest switch, own or a live run) > user', async () => {
    const home = join(root, 'home');
    const project = join(root, 'p');
    const scopes = new PersonaScopes({ home, project, run: 'r1' });
    expect(scopes.effectiveNow()).toMatchObject({ persona: undefined, scope: undefined });
    await scopes.user.activate(who('u'));
    expect(scopes.effectiveNow()).toMatchObject({ persona: { name: 'u' }, scope: 'user' });
    await scopes.project!.activate(who('p'));
    expect(scopes.effectiveNow()).toMatchObject({ persona: { name: 'p' }, scope: 'project' });
    await scopes.runScope('r2').activate(held('r2-stage', 'r2'));
    expect(scopes.effectiveNow()).toMatchObject({
      persona: { name: 'r2-stage' },
      scope: 'project',
    });
    await scopes.runScope('r1').activate(held('r1-stage', 'r1'));
    expect(scopes.effectiveNow()).toMatchObject({ persona: { name: 'r1-stage' }, scope: 'run' });
    // The user's config.json is the same file PersonaStore always used.
    expect((await scopes.user.active())?.name).toBe('u');
    expect(scopes.user.file).toBe(join(home, 'config.json'));
  });

  it('skips the scope of a run whose process is gone (killed with SIGKILL, say)', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid!;
    await once(child, 'exit');
    const project = join(root, 'p');
    const scopes = new PersonaScopes({ home: join(root, 'home'), project, run: 'dead' });
    await scopes.user.activate(who('u'));
    await scopes.runScope('dead').activate(held('left-behind', 'dead', pid));
    expect(scopes.liveRuns()).toEqual([]);
    expect(scopes.effectiveNow()).toMatchObject({ persona: { name: 'u' }, scope: 'user' });
  });
});
