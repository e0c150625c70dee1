import { foldRun, type RunStore } from '@tta-dev/workflows';

/**
 * The personas that the current stages of the project's unfinished runs name: the roles a
 * workflow in progress asks an assistant to take, which it may switch to without a person.
 */
export async function stagePersonas(runs: RunStore): Promise<Set<string>> {
  const personas = new Set<string>();
  for (const run of await runs.list()) {
    // A run going on, waiting, or between drives (interrupted: resumed next) asks for its stage.
    if (run.status !== 'running' && run.status !== 'suspended' && run.status !== 'interrupted')
      continue;
    const state = foldRun(await runs.read(run.runId));
    const stage = state?.stages.find((s) => s.id === state.stage);
    if (stage !== undefined && stage.status !== 'completed') personas.add(stage.persona);
  }
  return personas;
}
