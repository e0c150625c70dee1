import { findProjectRoot } from '@tta-dev/workflows/discover';
import { type OpenedRunStore, openRunStore } from '@tta-dev/workflows/runs';
import type { Io } from '../Io.js';

// The run store of a command, apart from the engine (`_engine.ts`): commands that only read or
// note runs (status, logs, cancel, note, prune) load neither the engine nor the integrations.

/**
 * The project a workflow command works on: found from `io.cwd` upward (`findProjectRoot`), so
 * that a run typed in a subfolder is stored, and runs, where its workflows were found.
 */
export const projectRootOf = (io: Io): string => findProjectRoot(io.cwd);

const stores = new WeakMap<Io, OpenedRunStore>();

/**
 * The run store of the project (`<project>/.tta/runs/`, or PostgreSQL by `TTA_RUN_STORE`), one
 * per command: `closeRunStoreOf` lets go of it when the command ends, so the process can exit.
 */
export function runStoreOf(io: Io): OpenedRunStore {
  let store = stores.get(io);
  if (store === undefined) {
    store = openRunStore({ cwd: projectRootOf(io), env: io.env });
    stores.set(io, store);
  }
  return store;
}

/** Closes the command's run store, if it opened one (a database's connections). */
export async function closeRunStoreOf(io: Io): Promise<void> {
  const store = stores.get(io);
  stores.delete(io);
  await store?.close();
}

/** Which store a command reads, fit to show: the runs folder, or the URL with `***` for a password. */
export const storeLabelOf = (store: OpenedRunStore): string =>
  'url' in store ? store.url : store.root;
