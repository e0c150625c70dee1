import { JsonValueSchema } from '@tta-dev/workflows';
import { z } from 'zod';

const Name = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters');

/** `POST /api/runs/:id/notes`: a decision or a learning, recorded as a run event. */
export const NoteBodySchema = z.object({
  kind: z.enum(['decision', 'learning'], 'must be "decision" or "learning"'),
  text: z
    .string('must be a string')
    .trim()
    .min(1, 'must not be empty')
    .max(20_000, 'at most 20000 characters'),
  /** The stage it belongs to, when it belongs to one. */
  stage: Name.optional(),
  /** Who recorded it. Default: "person". */
  by: Name.optional(),
});
export type NoteBody = z.infer<typeof NoteBodySchema>;

/** `POST /api/runs/:id/steps/:step/complete`: the result of a suspended `agent` step. */
export const CompleteBodySchema = z.object({
  /** Any JSON: the step's output. Default: null. */
  output: JsonValueSchema.optional(),
  note: z.string('must be a string').max(20_000, 'at most 20000 characters').optional(),
  /** Who completed it. Default: "person". */
  by: Name.optional(),
});
export type CompleteBody = z.infer<typeof CompleteBodySchema>;
