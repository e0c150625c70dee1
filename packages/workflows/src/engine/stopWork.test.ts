import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseWorkflow } from '../definition/parseWorkflow.js';
import { foldRun } from '../runs/foldRun.js';
import { InMemoryRunStore } from '../runs/InMemoryRunStore.js';
import type { RunEvent } from '../runs/RunEvent.js';
import { WorkflowEngine } from './WorkflowEngine.js';

let registry: PersonaRegistry;
let dir: string;
beforeAll(async () => {
  registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-stop-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Whether a process runs (a zombie has exited: it only waits to be reaped). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** Pids the command wrote, one per attempt: the shell's and its sleeping child's. */
const pidsOf = async () =>
  (await readFile(join(dir, 'pids'), 'utf8').catch(() => ''))
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);

const workflow = (step: string) =>
  parseWorkflow(
    'w.yaml',
    `name: stop
description: A step that takes too long.
stages:
  - id: s
    title: S
    persona: backend
    steps:
${step}
`,
    { registry },
  );

// The command records its shell's pid and its child's, then would touch a marker much later.
const SLOW = `sh -c 'sleep 60 & echo $$ $! >> pids; wait'; touch marker`;

describe('a time limit or a cancellation stops the work itself', () => {
  it('kills the command of a step over its time limit before the step fails', async () => {
    const engine = new WorkflowEngine({ store: new InMemoryRunStore(), registry, cwd: dir });
    const result = await engine.start(
      workflow(`      - id: slow\n        timeoutMs: 300\n        run: "${SLOW}"`),
    );
    expect(result.status).toBe('failed');
    expect(foldRun(result.events)!.steps.slow!.error).toMatchObject({ name: 'TimeoutError' });
    // By the time the step failed, every process of the command was gone: no marker can come.
    const pids = await pidsOf();
    expect(pids.length).toBe(2);
    expect(pids.filter(alive)).toEqual([]);
  }, 300_000);

  it('lets a retry start only once the timed-out attempt has stopped', async () => {
    const seenAtRetry: number[][] = [];
    const engine = new WorkflowEngine({
      store: new InMemoryRunStore(),
      registry,
      cwd: dir,
      onEvent: (event: RunEvent) => {
        // The first attempt's pids (its command wrote them first); the retry's may follow.
        if (event.type === 'step_started' && event.attempt === 2)
          void pidsOf().then((pids) => seenAtRetry.push(pids.slice(0, 2).filter(alive)));
      },
    });
    const result = await engine.start(
      workflow(
        `      - id: slow\n        timeoutMs: 300\n        retry: { maxRetries: 1, initialDelayMs: 0 }\n        run: "${SLOW}"`,
      ),
    );
    expect(result.status).toBe('failed');
    expect(result.events.filter((e) => e.type === 'step_started')).toHaveLength(2);
    expect(seenAtRetry).toEqual([[]]);
    expect((await pidsOf()).filter(alive)).toEqual([]);
  }, 300_000);

  it('kills the command when the run is cancelled (the engine’s signal)', async () => {
    const controller = new AbortController();
    const engine = new WorkflowEngine({
      store: new InMemoryRunStore(),
      registry,
      cwd: dir,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'step_started')
          void (async () => {
            while ((await pidsOf()).length < 2) await new Promise((r) => setTimeout(r, 20));
            controller.abort(new Error('stopped by a person'));
          })();
      },
    });
    const result = await engine.start(workflow(`      - id: slow\n        run: "${SLOW}"`));
    expect(result.status).toBe('failed');
    expect((await pidsOf()).filter(alive)).toEqual([]);
  }, 300_000);
});
