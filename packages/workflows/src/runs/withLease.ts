import type { Lease } from './RunStore.js';

/**
 * Runs `work` holding `lease`, and releases the lease on every way out. When `work` fails, its
 * error is the one thrown, even if the release fails too (a full disk fails both): a failing
 * release never hides why the work stopped. After a success, a failing release is thrown.
 */
export async function withLease<T>(lease: Lease, work: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await lease.release().catch(() => undefined);
    throw error;
  }
  await lease.release();
  return result;
}
