import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileRunStore } from './FileRunStore.js';
import { withLease } from './withLease.js';

describe('withLease', () => {
  let cwd: string;
  let store: FileRunStore;
  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'tta-lease-'));
    store = new FileRunStore({ cwd });
  });
  afterEach(() => rm(cwd, { recursive: true, force: true }));

  const leaseOf = async (runId: string) => {
    await store.append(runId, { type: 'run_started', workflow: 'w', inputs: {}, personas: [] });
    const lease = await store.lease(runId, 'me');
    if (lease === undefined) throw new Error('no lease');
    return lease;
  };

  it('keeps the error of the work when the release fails too', async () => {
    const lease = await leaseOf('r1');
    // The run's folder vanishes under the work: the release cannot write its claim (ENOENT).
    const work = async () => {
      await rm(store.runDir('r1'), { recursive: true });
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    await expect(withLease(lease, work)).rejects.toMatchObject({ code: 'ENOSPC' });
  });

  it('throws a failing release after work that succeeded', async () => {
    const lease = await leaseOf('r2');
    const work = async () => {
      // A file where the run's folder was: the release cannot write its claim there.
      await rm(store.runDir('r2'), { recursive: true });
      await writeFile(store.runDir('r2'), 'not a folder');
      return 'done';
    };
    await expect(withLease(lease, work)).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it('releases the lease whichever way the work ends', async () => {
    await expect(withLease(await leaseOf('r3'), async () => 'done')).resolves.toBe('done');
    await expect(store.lease('r3', 'other')).resolves.toBeDefined();
    const failing = withLease(await leaseOf('r4'), async () => Promise.reject(new Error('boom')));
    await expect(failing).rejects.toThrow('boom');
    await expect(store.lease('r4', 'other')).resolves.toBeDefined();
  });
});
