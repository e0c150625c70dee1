import { excerpt, jsonOf } from '../http/answerBody.js';
import { requestService } from '../http/requestService.js';
import { ServiceError } from '../http/ServiceError.js';
import { sampleValue } from '../prometheus/PrometheusResponse.js';
import { type QueryWindow, queryWindow } from '../prometheus/QueryWindow.js';
import type { PrometheusSeries } from '../prometheus/queryPrometheus.js';
import { DEFAULT_QUERY_TIMEOUT_MS } from '../prometheus/queryPrometheus.js';
import { LokiResponse } from './LokiResponse.js';

export interface LokiQuery {
  /** Base URL of Loki (a path prefix is kept). */
  readonly url: string;
  readonly query: string;
  /**
   * A range query over this window. Without it a metric query is instant (at `time`, default
   * now) and a log query covers the last hour: Loki answers log queries only over a range.
   */
  readonly range?: QueryWindow;
  readonly time?: Date;
  /** Most log lines Loki returns (its own default is 100). */
  readonly limit?: number;
  /** Default 30 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A log line of the answer. */
export interface LokiLine {
  /** When it was logged, ISO 8601 (to the millisecond). */
  readonly time: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The line, cut at `MAX_LINE_LENGTH` characters. */
  readonly line: string;
}

export interface LokiResult {
  readonly query: string;
  readonly resultType: 'streams' | 'matrix' | 'vector' | 'scalar';
  /** Log queries: how many lines Loki returned (at most `limit`). Metric queries: 0. */
  readonly count: number;
  /** Whether `count` reached `limit`, so that there may be more lines than counted. */
  readonly truncated: boolean;
  /** Log queries: the newest lines first, at most `MAX_LINES_KEPT`. */
  readonly lines: readonly LokiLine[];
  /** Metric queries (`count_over_time`, `rate`…): as a Prometheus answer. */
  readonly series: readonly PrometheusSeries[];
  /** Metric queries: the first series' (last) value; log queries: `count`. */
  readonly value: number | null;
}

/** Lines kept in a result, and their length: a result is recorded in the run's events. */
export const MAX_LINES_KEPT = 100;
export const MAX_LINE_LENGTH = 1000;
export const DEFAULT_LOG_LIMIT = 100;

/**
 * Runs a LogQL query through Loki's HTTP API. Loki's own errors (a parse error is answered as
 * text with HTTP 400) are thrown as a `ServiceError` with Loki's message.
 */
export async function queryLoki(query: LokiQuery): Promise<LokiResult> {
  const limit = query.limit ?? DEFAULT_LOG_LIMIT;
  const params = new URLSearchParams({
    query: query.query,
    limit: String(limit),
    direction: 'backward',
  });
  const range =
    query.range ?? (isLogQuery(query.query) ? queryWindow({ last: '1h' }, query.time) : undefined);
  if (range) {
    params.set('start', nanoseconds(range.start));
    params.set('end', nanoseconds(range.end));
    params.set('step', `${range.stepSeconds}s`);
  } else if (query.time) params.set('time', nanoseconds(query.time));
  const answer = await requestService({
    service: 'Loki',
    baseUrl: query.url,
    path: range ? 'loki/api/v1/query_range' : 'loki/api/v1/query',
    params,
    timeoutMs: query.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    ...(query.signal ? { signal: query.signal } : {}),
  });
  const parsed = LokiResponse.safeParse(jsonOf(answer.body));
  if (!parsed.success) {
    const reason = answer.status >= 400 ? 'refused the query' : 'answered something unexpected';
    throw new ServiceError(
      'Loki',
      `Loki ${reason} (HTTP ${answer.status}): ${excerpt(answer.body)}`,
      {
        status: answer.status,
      },
    );
  }
  if (parsed.data.status === 'error') {
    const { errorType, error } = parsed.data;
    throw new ServiceError(
      'Loki',
      `Loki refused the query${errorType ? ` (${errorType})` : ''}: ${error}`,
      {
        status: answer.status,
        ...(errorType ? { errorType } : {}),
      },
    );
  }
  const data = parsed.data.data;
  const base = {
    query: query.query,
    resultType: data.resultType,
    lines: [],
    count: 0,
    truncated: false,
  };
  switch (data.resultType) {
    case 'streams': {
      const all = data.result
        .flatMap((s) => s.values.map(([ns, line]) => ({ ns: BigInt(ns), labels: s.stream, line })))
        .sort((a, b) => (a.ns === b.ns ? 0 : a.ns > b.ns ? -1 : 1));
      const lines = all.slice(0, MAX_LINES_KEPT).map((e) => ({
        time: new Date(Number(e.ns / 1_000_000n)).toISOString(),
        labels: e.labels,
        line: e.line.length > MAX_LINE_LENGTH ? `${e.line.slice(0, MAX_LINE_LENGTH)}…` : e.line,
      }));
      return {
        ...base,
        count: all.length,
        truncated: all.length >= limit,
        lines,
        series: [],
        value: all.length,
      };
    }
    case 'matrix': {
      const series = data.result.map((s) => ({
        metric: s.metric,
        values: s.values.map(([t, v]) => [t, sampleValue(v)] as const),
      }));
      return { ...base, series, value: series[0]?.values.at(-1)?.[1] ?? null };
    }
    case 'vector': {
      const series = data.result.map((s) => ({ metric: s.metric, value: sampleValue(s.value[1]) }));
      return { ...base, series, value: series[0]?.value ?? null };
    }
    case 'scalar':
      return { ...base, series: [], value: sampleValue(data.result[1]) };
  }
}

/** A log query selects streams (`{app="api"} |= "error"`); a metric query starts with a function. */
const isLogQuery = (query: string) => query.trimStart().startsWith('{');

const nanoseconds = (date: Date) => `${BigInt(date.getTime()) * 1_000_000n}`;
