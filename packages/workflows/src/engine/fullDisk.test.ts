import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseWorkflow } from '../definition/parseWorkflow.js';
import { FileRunStore } from '../runs/FileRunStore.js';
import type { RunEventInput } from '../runs/RunEvent.js';
import type { Lease } from '../runs/RunStore.js';
import { WorkflowEngine } from './WorkflowEngine.js';

/** The error Node gives for a write to a full disk. */
const noSpace = (path: string) =>
  Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), {
    code: 'ENOSPC',
    path,
  });

/**
 * A file store on a disk that fills up after the run started: every later append fails, and so
 * does the release of the lease (a release writes a claim file first).
 */
class FullDiskStore extends FileRunStore {
  override async append(runId: string, event: RunEventInput) {
    if (event.type !== 'run_started') throw noSpace(this.eventsFile(runId));
    return super.append(runId, event);
  }

  override async lease(runId: string, owner: string): Promise<Lease | undefined> {
    const lease = await super.lease(runId, owner);
    if (lease === undefined) return undefined;
    return {
      runId,
      owner,
      expiresAt: lease.expiresAt,
      renew: () => lease.renew(),
      release: async () => {
        throw noSpace(join(this.runDir(runId), 'lease.json.claim'));
      },
    };
  }
}

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'tta-full-'));
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

it('a run on a full disk fails with the error of its write, not that of the lease release', async () => {
  const registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
  const workflow = parseWorkflow(
    'full.workflow.yaml',
    'name: full\ndescription: d\nstages:\n  - id: a\n    title: A\n    persona: backend\n    steps:\n      - id: s\n        run: echo hi\n',
    { registry },
  );
  const store = new FullDiskStore({ cwd });
  const engine = new WorkflowEngine({ store, registry, cwd, env: process.env });
  await expect(engine.start(workflow, {}, 'run-1')).rejects.toThrow(
    `ENOSPC: no space left on device, write '${store.eventsFile('run-1')}'`,
  );
});
