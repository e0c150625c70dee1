import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_PERSONAS, PersonaRegistry, PersonaScopes } from '@tta-dev/personas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersonaGateway } from './PersonaGateway.js';

// Gateways of two projects that share one TTA home: each follows its own project's (or run's)
// persona scope, as the workflow engine writes it during a stage.
let root: string;
let home: string;
const gateways: PersonaGateway[] = [];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-gateway-scopes-'));
  home = join(root, 'home');
  for (const name of ['a', 'b']) await mkdir(join(root, name));
});
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((g) => g.close()));
  await rm(root, { recursive: true, force: true });
});

const persona = (name: string) => {
  const p = BUILTIN_PERSONAS.find((b) => b.name === name)!;
  return { name: p.name, displayName: p.displayName, icon: p.icon ?? '', source: 'builtin' };
};

/** A stage of `runId` in `project` switching its run's scope, as the engine does. */
const stageSwitch = (project: string, runId: string, name: string) =>
  new PersonaScopes({ home, project: join(root, project) }).runScope(runId).activate({
    ...persona(name),
    run: { id: runId, stage: 's', pid: process.pid, host: hostname() },
  });

/** A gateway following `project` (and `run`), with the personas it applied, in order. */
async function serve(project: string, run?: string) {
  const applied: string[] = [];
  const waiters: { name: string; resolve: () => void }[] = [];
  const cwd = join(root, project);
  const gateway = await PersonaGateway.start({
    servers: {},
    registry: await PersonaRegistry.load({ home, cwd }),
    store: new PersonaScopes({ home, project: cwd, ...(run === undefined ? {} : { run }) }),
    cwd,
    log: (_level, message) => {
      const name = /^persona \S+ (\S+) active$/.exec(message)?.[1];
      if (name === undefined) return;
      applied.push(name);
      for (const w of waiters.filter((w) => w.name === name)) w.resolve();
    },
  });
  gateways.push(gateway);
  return {
    gateway,
    applied,
    applies: (name: string) =>
      applied.includes(name)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ name, resolve })),
  };
}

describe('a gateway follows the persona scope of the project or run it serves', () => {
  it("serving project A, it does not change when project B's run switches", async () => {
    await new PersonaScopes({ home }).user.activate(persona('tta-frontend-engineer'));
    const a = await serve('a');
    expect(a.gateway.persona?.name).toBe('tta-frontend-engineer');
    await stageSwitch('b', 'rb', 'tta-devops-engineer');
    await stageSwitch('a', 'ra', 'tta-testing-specialist');
    await a.applies('tta-testing-specialist');
    // B's switch came first and was never applied here.
    expect(a.applied).toEqual(['tta-frontend-engineer', 'tta-testing-specialist']);
    // The run gives its scope back: the project follows the user's persona again.
    await new PersonaScopes({ home, project: join(root, 'a') }).runScope('ra').activate(null);
    await a.applies('tta-frontend-engineer');
    expect(a.gateway.persona?.name).toBe('tta-frontend-engineer');
  });

  it('serving a run (--run), it keeps that run persona while another run of the project switches', async () => {
    const served = await serve('a', 'r1');
    expect(served.gateway.persona).toBeUndefined();
    await stageSwitch('a', 'r1', 'tta-backend-engineer');
    await served.applies('tta-backend-engineer');
    await stageSwitch('a', 'r2', 'tta-data-scientist');
    const project = await serve('a');
    // The project's gateway follows the stage started last; the run's stays with its run.
    expect(project.gateway.persona?.name).toBe('tta-data-scientist');
    await stageSwitch('a', 'r1', 'tta-devops-engineer');
    await served.applies('tta-devops-engineer');
    expect(served.applied).toEqual(['tta-backend-engineer', 'tta-devops-engineer']);
  });
});
