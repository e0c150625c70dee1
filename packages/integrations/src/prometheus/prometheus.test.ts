import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import type { RunEvent } from '@tta-dev/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isServiceError } from '../http/ServiceError.js';
import { runWorkflow, stepOutput } from '../steps/workflowRun.testkit.js';
import {
  type LocalPrometheus,
  type LocalServer,
  listen,
  startExporter,
  startPrometheus,
  waitFor,
} from './prometheus.testkit.js';
import { queryWindow } from './QueryWindow.js';
import { type PrometheusResult, queryPrometheus } from './queryPrometheus.js';

const ERROR_RATE =
  'sum(rate(http_requests_total{status=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))';
const P95 =
  'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))';

let exporter: LocalServer;
let prometheus: LocalPrometheus;
let url: string;

beforeAll(async () => {
  exporter = await startExporter();
  prometheus = await startPrometheus(`127.0.0.1:${exporter.port}`);
  url = prometheus.url;
  // rate() needs two samples in its window: wait until four scrapes are stored.
  const stored = 'count_over_time(http_requests_total{status="500"}[1m])';
  await waitFor(
    async () => ((await queryPrometheus({ url, query: stored })).value ?? 0) >= 4,
    60_000,
  );
}, 300_000);

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.close();
});

describe('queryPrometheus against a real Prometheus scraping a test exporter', () => {
  it('answers an instant query with every series, its labels and its number', async () => {
    const result = await queryPrometheus({ url, query: 'http_requests_total' });
    expect(result.resultType).toBe('vector');
    const byStatus = Object.fromEntries(result.series.map((s) => [s.metric.status, s]));
    expect(Object.keys(byStatus).sort()).toEqual(['200', '500']);
    expect(byStatus['500']?.metric).toMatchObject({
      __name__: 'http_requests_total',
      job: 'app',
      instance: `127.0.0.1:${exporter.port}`,
    });
    const errors = byStatus['500']!.value!;
    expect(errors).toBeGreaterThanOrEqual(40);
    expect(errors % 10).toBe(0);
    // The two counters were scraped together: 90 successes for every 10 errors.
    expect(byStatus['200']!.value).toBe(errors * 9);
    expect(result.value).toBe(result.series[0]!.value);
  });

  it('computes an error rate and a p95 latency a gate can test', async () => {
    const errorRate = await queryPrometheus({ url, query: ERROR_RATE });
    expect(errorRate.series).toHaveLength(1);
    expect(errorRate.value).toBeCloseTo(0.1, 9);
    const p95 = await queryPrometheus({ url, query: P95 });
    expect(p95.value).toBeCloseTo(0.5, 9);
    const up = await queryPrometheus({ url, query: 'up{job="app"}' });
    expect(up.value).toBe(1);
  });

  it('answers a range query with values over time, the last one as the value', async () => {
    const range = queryWindow({ last: '30s', step: '1s' });
    const result = await queryPrometheus({ url, query: 'sum(http_requests_total)', range });
    expect(result.resultType).toBe('matrix');
    const values = result.series[0]!.values!;
    expect(values.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < values.length; i++) {
      expect(values[i]![0] - values[i - 1]![0]).toBe(1);
      expect(values[i]![1]!).toBeGreaterThanOrEqual(values[i - 1]![1]!);
    }
    expect(result.value).toBe(values.at(-1)![1]);
    expect(values.at(-1)![0]).toBeCloseTo(range.end.getTime() / 1000, 0);
  });

  it('gives scalars, an empty answer as null, and NaN as null', async () => {
    expect(await queryPrometheus({ url, query: 'scalar(sum(up{job="app"}))' })).toMatchObject({
      resultType: 'scalar',
      value: 1,
      series: [],
    });
    expect(
      await queryPrometheus({ url, query: 'http_requests_total{status="404"}' }),
    ).toMatchObject({ resultType: 'vector', value: null, series: [] });
    const nan = await queryPrometheus({ url, query: 'vector(0) / vector(0)' });
    expect(nan).toMatchObject({ value: null, series: [{ value: null }] });
  });

  it("surfaces Prometheus' own error and its type", async () => {
    const error = await queryPrometheus({ url, query: 'sum(rate(http_requests_total[1m])' }).catch(
      (e: unknown) => e,
    );
    expect(isServiceError(error)).toBe(true);
    expect(error).toMatchObject({
      service: 'Prometheus',
      details: { status: 400, errorType: 'bad_data' },
    });
    expect((error as Error).message).toMatch(
      /^Prometheus refused the query \(bad_data\): .*parse error/,
    );
  });

  it('keeps a path prefix and refuses a URL that does not lead to the query API', async () => {
    const error = await queryPrometheus({ url: `${url}/nothing-here`, query: 'up' }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(
      /^Prometheus answered HTTP 404 with something other than its query API's JSON/,
    );
  });
});

describe('queryPrometheus when Prometheus is away', () => {
  it('names the URL of a service that is unreachable, and an invalid URL', async () => {
    const closed = await listen(createServer());
    await closed.close();
    await expect(queryPrometheus({ url: closed.url, query: 'up' })).rejects.toThrow(
      `Prometheus at ${closed.url}/api/v1/query is unreachable: `,
    );
    await expect(queryPrometheus({ url: 'prometheus:9090', query: 'up' })).rejects.toThrow(
      'Prometheus URL "prometheus:9090" is not an http(s) URL',
    );
  });

  it('gives up after its time limit on a server that never answers', async () => {
    const silent = await listen(createServer(() => {}));
    try {
      await expect(
        queryPrometheus({ url: silent.url, query: 'up', timeoutMs: 300 }),
      ).rejects.toThrow(`Prometheus at ${silent.url}/api/v1/query did not answer within 300 ms`);
    } finally {
      await silent.close();
    }
  });

  it('sends credentials of the URL as Basic authorization, never in the URL', async () => {
    let seen: { authorization?: string; url?: string; body?: string } = {};
    const server = await listen(
      createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          seen = {
            url: req.url ?? '',
            body,
            ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
          };
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '2'] } }),
          );
        });
      }),
    );
    try {
      const withCredentials = server.url.replace('http://', 'http://reader:s3cr%40t@');
      const result = await queryPrometheus({ url: `${withCredentials}/prom/`, query: 'up' });
      expect(result.value).toBe(2);
      expect(seen.url).toBe('/prom/api/v1/query');
      expect(seen.authorization).toBe(`Basic ${Buffer.from('reader:s3cr@t').toString('base64')}`);
      expect(new URLSearchParams(seen.body).get('query')).toBe('up');
    } finally {
      await server.close();
    }
  });
});

const WORKFLOW = `name: error-budget
description: The error rate and the p95 latency, gated.
inputs:
  prometheusUrl: { type: string, default: "" }
  maxErrorRate: { type: number, default: 0.2 }
stages:
  - id: check
    title: Check the service
    persona: observability
    steps:
      - id: error-rate
        promql: '${ERROR_RATE}'
        url: "\${{ inputs.prometheusUrl }}"
      - id: p95
        promql: '${P95}'
        url: "\${{ inputs.prometheusUrl }}"
      - id: requests
        promql: sum(http_requests_total)
        url: "\${{ inputs.prometheusUrl }}"
        range: { last: 20s, step: 1s }
    gates:
      - id: errors
        value: "\${{ steps.error-rate.output.value }}"
        max: "\${{ inputs.maxErrorRate }}"
      - id: latency
        value: "\${{ steps.p95.output.value }}"
        max: 0.75
`;

describe('promql steps in a workflow run', () => {
  const run = (inputs: Record<string, unknown>, env: Record<string, string>) =>
    runWorkflow(WORKFLOW, { cwd: tmpdir(), env, inputs });
  const output = (events: readonly RunEvent[], step: string) =>
    stepOutput(events, step) as PrometheusResult | undefined;

  it('measures with PROMETHEUS_URL and passes the value gates', async () => {
    const result = await run({}, { PROMETHEUS_URL: url });
    expect(result.status).toBe('completed');
    expect(output(result.events, 'error-rate')?.value).toBeCloseTo(0.1, 9);
    expect(output(result.events, 'p95')?.value).toBeCloseTo(0.5, 9);
    expect(output(result.events, 'requests')?.series[0]?.values?.length).toBeGreaterThanOrEqual(3);
    const gates = result.events.filter((e) => e.type === 'gate_passed');
    expect(gates.map((g) => g.type === 'gate_passed' && g.gate)).toEqual(['errors', 'latency']);
    expect(gates[0]?.type === 'gate_passed' && gates[0].metrics.value).toBeCloseTo(0.1, 9);
  });

  it('stops at the gate when the error rate is over the limit (URL from the inputs)', async () => {
    const result = await run({ prometheusUrl: url, maxErrorRate: 0.05 }, {});
    expect(result.status).toBe('gate_failed');
    const failed = result.events.find((e) => e.type === 'gate_failed');
    expect(failed).toMatchObject({
      gate: 'errors',
      reason: expect.stringMatching(/ is not ≤ 0\.05$/),
    });
    expect(failed?.type === 'gate_failed' && failed.metrics.value).toBeCloseTo(0.1, 9);
  });

  it('fails clearly, naming the step and the variable, when no URL is configured', async () => {
    const result = await run({}, {});
    expect(result.status).toBe('failed');
    expect(result.events.find((e) => e.type === 'run_failed')).toMatchObject({
      step: 'error-rate',
      error: {
        name: 'NotConfiguredError',
        message:
          'promql step "error-rate" has no Prometheus URL: give it url: or set PROMETHEUS_URL',
      },
    });
  });
});
