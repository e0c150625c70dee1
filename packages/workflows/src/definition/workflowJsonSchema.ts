import { z } from 'zod';
import { STEP_FILE_SCHEMAS, StageSchema, WorkflowSchema } from './WorkflowSchema.js';

/**
 * The JSON Schema of workflow files, for editors (`# yaml-language-server: $schema=...`). Steps
 * appear as the union of their kinds, which the parser itself tells apart by their key.
 */
export function workflowJsonSchema(): Record<string, unknown> {
  const [first, second, ...rest] = STEP_FILE_SCHEMAS;
  const step = z.union([first!, second!, ...rest]);
  const stage = z.object({ ...StageSchema.shape, steps: z.array(step).min(1) }).strict();
  const file = z.object({ ...WorkflowSchema.shape, stages: z.array(stage).min(1) }).strict();
  return {
    ...z.toJSONSchema(file, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }),
    $id: 'https://tta.dev/schemas/workflow.json',
    title: 'TTA multi-persona workflow',
  };
}
