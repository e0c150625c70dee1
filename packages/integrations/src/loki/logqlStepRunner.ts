import type { StepRunner } from '@tta-dev/workflows';
import { z } from 'zod';
import { rangeOf } from '../prometheus/promqlStepRunner.js';
import { serviceUrl, stepFields } from '../steps/stepFields.js';
import { queryLoki } from './queryLoki.js';

const LogqlStep = z.object({
  id: z.string(),
  logql: z.string().min(1, 'the query is empty'),
  url: z.string().optional(),
  range: z.object({ last: z.string(), step: z.string().optional() }).optional(),
  limit: z.number().int().positive().optional(),
  timeoutMs: z.number().optional(),
});

/**
 * Runs `logql` steps against the step's `url` or LOKI_URL: log lines (`output.count`,
 * `output.lines`, newest first) or a metric query's numbers (`output.value`, `output.series`).
 */
export const logqlStepRunner: StepRunner = async (step, context) => {
  const fields = stepFields(step, 'logql', LogqlStep);
  const url = serviceUrl(fields, 'logql', 'Loki', 'LOKI_URL', context.env);
  const range = rangeOf(fields, 'logql');
  return queryLoki({
    url,
    query: fields.logql,
    ...(range ? { range } : {}),
    ...(fields.limit === undefined ? {} : { limit: fields.limit }),
    ...(fields.timeoutMs === undefined ? {} : { timeoutMs: fields.timeoutMs }),
    ...(context.signal ? { signal: context.signal } : {}),
  });
};
