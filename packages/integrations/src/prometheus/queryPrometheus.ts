import { excerpt, jsonOf } from '../http/answerBody.js';
import { requestService } from '../http/requestService.js';
import { ServiceError } from '../http/ServiceError.js';
import { PrometheusResponse, sampleValue } from './PrometheusResponse.js';
import type { QueryWindow } from './QueryWindow.js';

export interface PrometheusQuery {
  /** Base URL of Prometheus (a path prefix is kept: "http://host/prometheus"). */
  readonly url: string;
  readonly query: string;
  /** A range query over this window; without it an instant query at `time` (default: now). */
  readonly range?: QueryWindow;
  readonly time?: Date;
  /** Default 30 s; also sent to Prometheus as the query's own timeout. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A time series of the answer: its labels, and its value (instant) or values (range). */
export interface PrometheusSeries {
  readonly metric: Readonly<Record<string, string>>;
  /** Instant queries: the value; null for NaN, ±Inf or a native histogram. */
  readonly value?: number | null;
  /** Range queries: [unix seconds, value] pairs, oldest first. */
  readonly values?: readonly (readonly [number, number | null])[];
}

export interface PrometheusResult {
  readonly query: string;
  readonly resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  /**
   * The number a gate tests: a scalar's value, or the first series' value (its last one for a
   * range query); null when the answer has no series (or only NaN).
   */
  readonly value: number | null;
  readonly series: readonly PrometheusSeries[];
  readonly warnings: readonly string[];
}

export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

/**
 * Runs a PromQL query through Prometheus' HTTP API (`/api/v1/query` or `/api/v1/query_range`).
 * Prometheus' own errors (`bad_data` for a syntax error, `timeout`, `execution`…) are thrown as a
 * `ServiceError` carrying its `errorType` and message.
 */
export async function queryPrometheus(query: PrometheusQuery): Promise<PrometheusResult> {
  const timeoutMs = query.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const params = new URLSearchParams({ query: query.query });
  params.set('timeout', `${Math.max(1, Math.ceil(timeoutMs / 1000))}s`);
  if (query.range) {
    params.set('start', seconds(query.range.start));
    params.set('end', seconds(query.range.end));
    params.set('step', String(query.range.stepSeconds));
  } else if (query.time) params.set('time', seconds(query.time));
  const answer = await requestService({
    service: 'Prometheus',
    baseUrl: query.url,
    path: query.range ? 'api/v1/query_range' : 'api/v1/query',
    params,
    method: 'POST',
    timeoutMs,
    ...(query.signal ? { signal: query.signal } : {}),
  });
  const parsed = PrometheusResponse.safeParse(jsonOf(answer.body));
  if (!parsed.success)
    throw new ServiceError(
      'Prometheus',
      `Prometheus answered HTTP ${answer.status} with something other than its query API's JSON: ${excerpt(answer.body)}`,
      { status: answer.status },
    );
  const body = parsed.data;
  if (body.status === 'error')
    throw new ServiceError(
      'Prometheus',
      `Prometheus refused the query (${body.errorType}): ${body.error}`,
      { status: answer.status, errorType: body.errorType },
    );
  const data = body.data;
  const warnings = body.warnings ?? [];
  switch (data.resultType) {
    case 'scalar':
    case 'string':
      return {
        query: query.query,
        resultType: data.resultType,
        value: sampleValue(data.result[1]),
        series: [],
        warnings,
      };
    case 'vector': {
      const series = data.result.map((s) => ({
        metric: s.metric,
        value: s.value === undefined ? null : sampleValue(s.value[1]),
      }));
      return {
        query: query.query,
        resultType: 'vector',
        value: series[0]?.value ?? null,
        series,
        warnings,
      };
    }
    case 'matrix': {
      const series = data.result.map((s) => ({
        metric: s.metric,
        values: s.values.map(([t, v]) => [t, sampleValue(v)] as const),
      }));
      return {
        query: query.query,
        resultType: 'matrix',
        value: series[0]?.values.at(-1)?.[1] ?? null,
        series,
        warnings,
      };
    }
  }
}

const seconds = (date: Date) => String(date.getTime() / 1000);
