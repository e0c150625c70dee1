import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry, PersonaScopes } from '@tta-dev/personas';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseWorkflow } from '../definition/parseWorkflow.js';
import { FileRunStore } from '../runs/FileRunStore.js';
import type { RunEvent, RunEventInput } from '../runs/RunEvent.js';
import { WorkflowEngine } from './WorkflowEngine.js';

// Two projects that share one TTA home, each with its own run: real engines, real files.
let registry: PersonaRegistry;
let root: string;
let home: string;
beforeAll(async () => {
  registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-scopes-'));
  home = join(root, 'home');
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** A step that waits until the test creates `<project>/<marker>`. */
const waitFor = (marker: string) => `while [ ! -e ${marker} ]; do sleep 0.02; done`;

const twoStages = (name: string, first: string, second: string) =>
  parseWorkflow(
    `${name}.workflow.yaml`,
    `name: ${name}
description: Two stages, each waiting for the test.
stages:
  - id: first
    title: First
    persona: ${first}
    steps:
      - id: one
        run: "${waitFor('go-1')}"
  - id: second
    title: Second
    persona: ${second}
    steps:
      - id: two
        run: "${waitFor('go-2')}"
`,
    { registry },
  );

interface Project {
  readonly dir: string;
  readonly scopes: PersonaScopes;
  readonly engine: WorkflowEngine;
  /** Resolves when the run's step `step` has started. */
  started(step: string): Promise<void>;
  /** The persona a gateway following the project sees now. */
  persona(): string | undefined;
}

async function project(name: string, store?: FileRunStore): Promise<Project> {
  const dir = join(root, name);
  const scopes = new PersonaScopes({ home, project: dir });
  const waiters = new Map<string, () => void>();
  const seen = new Set<string>();
  const engine = new WorkflowEngine({
    store: store ?? new FileRunStore({ cwd: dir }),
    registry,
    personaStore: (runId) => scopes.runScope(runId),
    cwd: dir,
    env: process.env,
    onEvent: (event: RunEvent) => {
      if (event.type !== 'step_started') return;
      seen.add(event.step);
      waiters.get(event.step)?.();
    },
  });
  await mkdir(dir, { recursive: true });
  return {
    dir,
    scopes,
    engine,
    started: (step) =>
      seen.has(step)
        ? Promise.resolve()
        : new Promise((resolve) => waiters.set(step, () => resolve())),
    persona: () => scopes.effectiveNow().persona?.name,
  };
}

const release = (p: Project, marker: string) => writeFile(join(p.dir, marker), '');

describe('a run switches only its own persona scope', () => {
  it('two runs in two projects at once keep their own personas, stage by stage', async () => {
    const a = await project('a');
    const b = await project('b');
    const runA = a.engine.start(twoStages('alpha', 'backend', 'devops'), {}, 'ra');
    const runB = b.engine.start(twoStages('beta', 'testing', 'frontend'), {}, 'rb');

    await Promise.all([a.started('one'), b.started('one')]);
    expect([a.persona(), b.persona()]).toEqual(['tta-backend-engineer', 'tta-testing-specialist']);

    await release(a, 'go-1');
    await a.started('two');
    // A's devops stage does not change B's testing stage.
    expect([a.persona(), b.persona()]).toEqual(['tta-devops-engineer', 'tta-testing-specialist']);

    await release(b, 'go-1');
    await b.started('two');
    expect([a.persona(), b.persona()]).toEqual(['tta-devops-engineer', 'tta-frontend-engineer']);
    expect(a.scopes.effectiveNow()).toMatchObject({
      scope: 'project',
      persona: { run: { id: 'ra', stage: 'second', pid: process.pid } },
    });

    // The user's scope is never touched by a run.
    expect(existsSync(join(home, 'config.json'))).toBe(false);

    await Promise.all([release(a, 'go-2'), release(b, 'go-2')]);
    const [doneA, doneB] = await Promise.all([runA, runB]);
    expect([doneA.status, doneB.status]).toEqual(['completed', 'completed']);
    const personas = (events: readonly RunEvent[]) =>
      events.flatMap((e) => (e.type === 'stage_started' ? [e.persona] : []));
    expect(personas(doneA.events)).toEqual(['tta-backend-engineer', 'tta-devops-engineer']);
    expect(personas(doneB.events)).toEqual(['tta-testing-specialist', 'tta-frontend-engineer']);
    // Given back: no scope holds a persona once the runs are over.
    expect([a.persona(), b.persona()]).toEqual([undefined, undefined]);
    expect(await a.scopes.runScope('ra').active()).toBeUndefined();
  });

  it('gives its scope back when the drive ends by an exception', async () => {
    /** A store whose disk fails when the second stage is to be recorded (its persona switched). */
    class FailingStore extends FileRunStore {
      override append(runId: string, event: RunEventInput, options = {}): Promise<RunEvent> {
        if (event.type === 'stage_started' && event.stage === 'second')
          return Promise.reject(new Error('ENOSPC: no space left on device'));
        return super.append(runId, event, options);
      }
    }
    const dir = join(root, 'c');
    const c = await project('c', new FailingStore({ cwd: dir }));
    const running = c.engine.start(twoStages('gamma', 'backend', 'devops'), {}, 'rc');
    await c.started('one');
    expect(c.persona()).toBe('tta-backend-engineer');
    await release(c, 'go-1');
    await expect(running).rejects.toThrow('ENOSPC');
    expect(await c.scopes.runScope('rc').active()).toBeUndefined();
    expect(c.persona()).toBeUndefined();
  });
});
