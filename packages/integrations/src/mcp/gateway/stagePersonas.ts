import type { RunEvent, RunStore } from '@tta-dev/workflows';

/**
 * The personas that the current stages of the project's unfinished runs name: the roles a
 * workflow in progress asks an assistant to take, which it may switch to without a person.
 */
export async function stagePersonas(runs: RunStore): Promise<Set<string>> {
  const personas = new Set<string>();
  for (const run of await runs.list()) {
    if (run.status !== 'running' && run.status !== 'suspended') continue;
    const persona = currentStagePersona(await runs.read(run.runId));
    if (persona !== undefined) personas.add(persona);
  }
  return personas;
}

function currentStagePersona(events: readonly RunEvent[]): string | undefined {
  let persona: string | undefined;
  for (const event of events) {
    if (event.type === 'stage_started') persona = event.persona;
    if (event.type === 'stage_completed') persona = undefined;
  }
  return persona;
}
