import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryBackend, Memory, type MemoryBackend, type MemoryEntry } from '@tta-dev/core';
import { PersonaRegistry } from '@tta-dev/personas';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseWorkflow } from '../definition/parseWorkflow.js';
import type { WorkflowDefinition } from '../definition/WorkflowSchema.js';
import { InMemoryRunStore } from '../runs/InMemoryRunStore.js';
import { WorkflowEngine } from './WorkflowEngine.js';

let registry: PersonaRegistry;
let cwd: string;
beforeAll(async () => {
  registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
  workflow = parseWorkflow('test.workflow.yaml', WORKFLOW, { registry });
});
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'tta-shared-memory-'));
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

const SECRET = 'sk-live-0123456789abcdef';

const WORKFLOW = `name: shared
description: Puts values in its memory.
inputs:
  api_token: { type: string, default: "" }
stages:
  - id: one
    title: One
    persona: backend
    steps:
      - id: version
        run: echo 1.2.3
        saveAs: version
      - id: note
        memory: { contract: "v\${{ steps.version.output.stdout }}", leaked: "\${{ inputs.api_token }}" }
      - id: env
        run: echo "key=$DEPLOY_KEY"
        saveAs: deployed
      - id: review
        agent: Review it.
        saveAs: review
`;
let workflow: WorkflowDefinition;

function engineOn(memory: Memory, store = new InMemoryRunStore(), errors: unknown[] = []) {
  return new WorkflowEngine({
    store,
    registry,
    cwd,
    env: { PATH: process.env.PATH, DEPLOY_KEY: SECRET },
    memory,
    onMemoryError: (error) => errors.push(error),
  });
}

describe('the run memory in the shared memory', () => {
  it('writes memory steps and saveAs outputs to run:<id>, secrets redacted; an agent step on resume', async () => {
    const backend = new InMemoryBackend();
    const memory = new Memory({ backend });
    const store = new InMemoryRunStore();
    const engine = engineOn(memory, store);
    const started = await engine.start(workflow, { api_token: 'tok-9876543210abcdef' }, 'run-1');
    expect(started.status).toBe('suspended');
    const run = memory.namespace('run:run-1');
    expect(await run.get('contract')).toBe('v1.2.3');
    expect(await run.get('version')).toMatchObject({ stdout: '1.2.3' });
    expect(JSON.stringify(await run.get('leaked'))).not.toContain('tok-9876543210abcdef');
    expect(JSON.stringify(await run.get('deployed'))).not.toContain(SECRET);
    expect(JSON.stringify(await run.get('deployed'))).toContain('key=');
    expect(JSON.stringify(await backend.list(''))).not.toContain(SECRET);
    // The search of another session finds it by the workflow's name too.
    expect((await run.search('shared')).map((h) => h.key).sort()).toEqual([
      'contract',
      'deployed',
      'leaked',
      'version',
    ]);
    expect(await run.has('review')).toBe(false);

    // Completed from elsewhere (another process): shared when the run is driven again.
    await engine.complete('run-1', 'review', { verdict: 'fine' });
    const before = (await backend.get('run:run-1:contract'))!.seq;
    await engineOn(memory, store).resume('run-1', workflow);
    expect(await run.get('review')).toEqual({ verdict: 'fine' });
    // What the shared memory already held is not written again.
    expect((await backend.get('run:run-1:contract'))!.seq).toBe(before);
  });

  it('tells a failing shared memory and runs on', async () => {
    const failing: MemoryBackend = {
      set: async (_entry: MemoryEntry) => {
        throw new Error(`server down (${SECRET})`);
      },
      get: async () => undefined,
      delete: async () => false,
      list: async () => [],
    };
    const errors: unknown[] = [];
    const result = await engineOn(new Memory({ backend: failing }), undefined, errors).start(
      workflow,
      {},
      'run-2',
    );
    expect(result.status).toBe('suspended');
    expect(errors.length).toBeGreaterThan(0);
    expect(String((errors[0] as Error).message)).toMatch(/server down/);
    expect(String((errors[0] as Error).message)).not.toContain(SECRET);
  });

  it('writes nothing without a shared memory (the default)', async () => {
    const engine = new WorkflowEngine({ store: new InMemoryRunStore(), registry, cwd });
    expect((await engine.start(workflow, {}, 'run-3')).status).toBe('suspended');
  });
});
