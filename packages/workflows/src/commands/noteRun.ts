import { RunNotFoundError } from '../runs/errors/RunNotFoundError.js';
import { UnknownStageError } from '../runs/errors/UnknownStageError.js';
import { foldRun } from '../runs/foldRun.js';
import type { RunEvent } from '../runs/RunEvent.js';
import type { RunStore } from '../runs/RunStore.js';

export interface Note {
  readonly type: 'decision' | 'learning';
  readonly text: string;
  /** Who: a person, an assistant, a persona. */
  readonly by: string;
  /** The stage it belongs to: one the run has begun. */
  readonly stage?: string;
}

/**
 * Records a decision or a learning in a run, at any time (going on, waiting or finished). A note
 * changes nothing of the run's course, so it does not take the lease: the store orders it among
 * the appends of every process (the engine's among them). `RunNotFoundError` for no such run,
 * `UnknownStageError` for a stage the run has not begun.
 */
export async function noteRun(store: RunStore, runId: string, note: Note): Promise<RunEvent> {
  const state = foldRun(await store.read(runId));
  if (state === undefined) throw new RunNotFoundError(runId);
  // Stages are only ever added to a run: what is begun now stays begun.
  if (note.stage !== undefined && !state.stages.some((s) => s.id === note.stage))
    throw new UnknownStageError(
      runId,
      note.stage,
      state.stages.map((s) => s.id),
    );
  return store.append(runId, {
    type: note.type,
    text: note.text,
    by: note.by,
    ...(note.stage === undefined ? {} : { stage: note.stage }),
  });
}
