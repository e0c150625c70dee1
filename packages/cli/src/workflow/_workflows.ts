import { resolve } from 'node:path';
import { createStepKinds } from '@tta-dev/integrations';
import type { PersonaRegistry } from '@tta-dev/personas';
import {
  discoverWorkflows,
  loadWorkflowFile,
  type StepKind,
  type WorkflowDefinition,
  type WorkflowFileRef,
} from '@tta-dev/workflows';
import { usageError } from '../CliError.js';
import type { Io } from '../Io.js';

/** The step kinds workflow files are checked against: integrations' (the loader's own besides). */
export const stepKindsOf = (io: Io): StepKind[] => createStepKinds({ env: io.env });

/** Finds a workflow by name (or as a file path) and loads it; bad files exit 2 with file:line. */
export async function loadNamedWorkflow(
  io: Io,
  query: string,
  registry: PersonaRegistry,
): Promise<{ ref: WorkflowFileRef; workflow: WorkflowDefinition }> {
  const refs = await discoverWorkflows(io.cwd);
  const ref =
    refs.find((r) => r.name === query) ??
    (query.endsWith('.yaml') || query.includes('/')
      ? { name: query, file: resolve(io.cwd, query), source: 'project' as const }
      : undefined);
  if (ref === undefined) {
    throw usageError(
      `unknown workflow "${query}"; known: ${refs.map((r) => r.name).join(', ')}\nRun "tta workflow list" to see them.`,
    );
  }
  return { ref, workflow: await loadWorkflowFile(ref.file, { registry, kinds: stepKindsOf(io) }) };
}
