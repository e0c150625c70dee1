import { z } from 'zod';

const Labels = z.record(z.string(), z.string());
/** A metric sample: [unix seconds, value as text]. */
const Sample = z.tuple([z.number(), z.string()]);
/** A log entry: [unix nanoseconds as text, the line]. */
const Entry = z.tuple([z.string().regex(/^\d+$/, 'nanoseconds'), z.string()]);

export const LokiData = z.discriminatedUnion('resultType', [
  z.object({
    resultType: z.literal('streams'),
    result: z.array(z.object({ stream: Labels, values: z.array(Entry) })),
  }),
  z.object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric: Labels, values: z.array(Sample) })),
  }),
  z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: Labels, value: Sample })),
  }),
  z.object({ resultType: z.literal('scalar'), result: Sample }),
]);

/** The envelope of Loki's query API answers (`/loki/api/v1/query`, `/query_range`). */
export const LokiResponse = z.discriminatedUnion('status', [
  z.object({ status: z.literal('success'), data: LokiData }),
  z.object({
    status: z.literal('error'),
    errorType: z.string().optional(),
    error: z.string(),
  }),
]);
