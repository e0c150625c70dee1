import { z } from 'zod';
import type { StepKind } from './StepKind.js';
import { STANDARD_STEP_KINDS } from './standardStepKinds.js';
import { workflowSchemaFor } from './WorkflowSchema.js';

/**
 * The JSON Schema of workflow files whose steps are of the standard kinds and `kinds`, for
 * editors (`# yaml-language-server: $schema=...`). Steps appear as the union of their kinds,
 * which the parser itself tells apart by their key.
 */
export function workflowJsonSchema(
  kinds: readonly StepKind[] = STANDARD_STEP_KINDS,
): Record<string, unknown> {
  const schemas = workflowSchemaFor(kinds);
  const [first, ...rest] = schemas.stepFiles;
  const step = rest.length === 0 ? first! : z.union([first!, ...rest]);
  const stage = z.object({ ...schemas.stage.shape, steps: z.array(step).min(1) }).strict();
  const file = z.object({ ...schemas.workflow.shape, stages: z.array(stage).min(1) }).strict();
  return {
    ...z.toJSONSchema(file, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }),
    $id: 'https://tta.dev/schemas/workflow.json',
    title: 'TTA multi-persona workflow',
  };
}
