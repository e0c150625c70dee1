import { LogqlFields, type StepRunner } from '@tta-dev/workflows';
import { rangeOf } from '../prometheus/promqlStepRunner.js';
import { serviceUrl, stepFields } from '../steps/stepFields.js';
import { queryLoki } from './queryLoki.js';

/**
 * Runs `logql` steps against the step's `url` or LOKI_URL: log lines (`output.count`,
 * `output.lines`, newest first) or a metric query's numbers (`output.value`, `output.series`).
 */
export const logqlStepRunner: StepRunner = async (step, context) => {
  const fields = stepFields(step, 'logql', LogqlFields);
  const url = serviceUrl(fields, 'logql', 'Loki', 'LOKI_URL', context.env);
  const range = rangeOf(fields, 'logql');
  return queryLoki({
    url,
    query: fields.logql,
    ...(range ? { range } : {}),
    limit: fields.limit,
    ...(fields.timeoutMs === undefined ? {} : { timeoutMs: fields.timeoutMs }),
    ...(context.signal ? { signal: context.signal } : {}),
  });
};
