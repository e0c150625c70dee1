import { PromqlFields, type StepRunner } from '@tta-dev/workflows';
import { InvalidStepError, serviceUrl, stepFields } from '../steps/stepFields.js';
import { queryWindow } from './QueryWindow.js';
import { queryPrometheus } from './queryPrometheus.js';

/**
 * Runs `promql` steps: an instant query, or a range query with `range: { last, step }`, against
 * the step's `url` or PROMETHEUS_URL. The output is `queryPrometheus`'s result, whose `value` a
 * value gate tests (`${{ steps.<id>.output.value }}`).
 */
export const promqlStepRunner: StepRunner = async (step, context) => {
  const fields = stepFields(step, 'promql', PromqlFields);
  const url = serviceUrl(fields, 'promql', 'Prometheus', 'PROMETHEUS_URL', context.env);
  const range = rangeOf(fields, 'promql');
  return queryPrometheus({
    url,
    query: fields.promql,
    ...(range ? { range } : {}),
    ...(fields.timeoutMs === undefined ? {} : { timeoutMs: fields.timeoutMs }),
    ...(context.signal ? { signal: context.signal } : {}),
  });
};

/** The window of a query step's `range`, with a bad duration named by step and field. */
export function rangeOf(
  step: { id: string; range?: { last: string; step?: string | undefined } | undefined },
  kind: string,
) {
  if (step.range === undefined) return undefined;
  try {
    return queryWindow(step.range);
  } catch (error) {
    throw new InvalidStepError(`${kind} step "${step.id}": range: ${(error as Error).message}`);
  }
}
