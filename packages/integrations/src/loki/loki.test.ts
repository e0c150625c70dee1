import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isServiceError } from '../http/ServiceError.js';
import { listen } from '../prometheus/prometheus.testkit.js';
import { queryWindow } from '../prometheus/QueryWindow.js';
import { runError, runWorkflow, stepOutput } from '../steps/workflowRun.testkit.js';
import { type FakeLoki, pushLogs, startFakeLoki } from './loki.testkit.js';
import { type LokiResult, MAX_LINE_LENGTH, MAX_LINES_KEPT, queryLoki } from './queryLoki.js';

let loki: FakeLoki;
const now = Date.now();
const ago = (s: number) => new Date(now - s * 1000);

beforeAll(async () => {
  loki = await startFakeLoki();
  await pushLogs(loki.url, { app: 'api', level: 'error' }, [
    { time: ago(50), line: 'GET /checkout 500 upstream timeout' },
    { time: ago(30), line: 'GET /checkout 500 upstream timeout' },
    { time: ago(10), line: 'POST /cart 500 db connection refused' },
  ]);
  await pushLogs(loki.url, { app: 'api', level: 'info' }, [
    { time: ago(40), line: 'GET /health 200' },
    { time: ago(20), line: 'GET /checkout 200' },
  ]);
  await pushLogs(loki.url, { app: 'web', level: 'error' }, [
    { time: ago(5), line: `render failed: ${'x'.repeat(3000)}` },
  ]);
});
afterAll(() => loki?.close());

describe('queryLoki', () => {
  it('returns the lines of a log query over a range, newest first, with their labels', async () => {
    const result = await queryLoki({
      url: loki.url,
      query: '{app="api"} |= "500"',
      range: queryWindow({ last: '5m' }),
    });
    expect(result).toMatchObject({ resultType: 'streams', count: 3, value: 3, truncated: false });
    expect(result.lines.map((l) => l.line)).toEqual([
      'POST /cart 500 db connection refused',
      'GET /checkout 500 upstream timeout',
      'GET /checkout 500 upstream timeout',
    ]);
    expect(result.lines[0]).toEqual({
      time: ago(10).toISOString(),
      labels: { app: 'api', level: 'error' },
      line: 'POST /cart 500 db connection refused',
    });
    const request = loki.requests.at(-1)!;
    expect(request.path).toBe('/loki/api/v1/query_range');
    expect(request.params.get('direction')).toBe('backward');
    expect(request.params.get('limit')).toBe('100');
  });

  it('asks a log query without a range over the last hour; says when the limit cut it', async () => {
    const result = await queryLoki({ url: loki.url, query: '{level=~"error|info"}', limit: 4 });
    expect(result).toMatchObject({ count: 4, truncated: true });
    const request = loki.requests.at(-1)!;
    expect(request.path).toBe('/loki/api/v1/query_range');
    const hour = BigInt(request.params.get('end')!) - BigInt(request.params.get('start')!);
    expect(hour).toBe(3_600_000_000_000n);
  });

  it('keeps few and short lines in the result, and counts them all', async () => {
    const result = await queryLoki({ url: loki.url, query: '{app="web"}' });
    expect(result.lines[0]!.line).toHaveLength(MAX_LINE_LENGTH + 1);
    expect(result.lines[0]!.line.endsWith('…')).toBe(true);

    const many = Array.from({ length: 150 }, (_, i) => ({ time: ago(200 - i), line: `tick ${i}` }));
    await pushLogs(loki.url, { app: 'cron' }, many);
    const ticks = await queryLoki({ url: loki.url, query: '{app="cron"}', limit: 1000 });
    expect(ticks).toMatchObject({ count: 150, value: 150, truncated: false });
    expect(ticks.lines).toHaveLength(MAX_LINES_KEPT);
    expect(ticks.lines[0]!.line).toBe('tick 149');
  });

  it('gives a metric query as numbers: instant as a vector, over a range as a matrix', async () => {
    const instant = await queryLoki({
      url: loki.url,
      query: 'sum(count_over_time({app="api", level="error"} [5m]))',
    });
    expect(instant).toMatchObject({ resultType: 'vector', value: 3, count: 0, lines: [] });
    expect(loki.requests.at(-1)!.path).toBe('/loki/api/v1/query');

    const range = await queryLoki({
      url: loki.url,
      query: 'count_over_time({app="api"} |~ "checkout" [1m])',
      range: queryWindow({ last: '2m', step: '30s' }),
    });
    expect(range.resultType).toBe('matrix');
    expect(range.series.map((s) => s.metric.level).sort()).toEqual(['error', 'info']);
    expect(loki.requests.at(-1)!.params.get('step')).toBe('30s');
  });

  it("surfaces Loki's error text for a query it cannot parse", async () => {
    const error = await queryLoki({ url: loki.url, query: '{app="api"' }).catch((e: unknown) => e);
    expect(isServiceError(error)).toBe(true);
    expect(error).toMatchObject({ service: 'Loki', details: { status: 400 } });
    expect((error as Error).message).toMatch(
      /^Loki refused the query \(HTTP 400\): parse error at line 1/,
    );
  });

  it('reads an error answered as JSON with its type', async () => {
    const server = await listen(
      createServer((_req, res) => {
        res.writeHead(422, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            status: 'error',
            errorType: 'bad_data',
            error: 'max entries limit per query exceeded',
          }),
        );
      }),
    );
    try {
      await expect(queryLoki({ url: server.url, query: '{app="api"}' })).rejects.toMatchObject({
        message: 'Loki refused the query (bad_data): max entries limit per query exceeded',
        details: { status: 422, errorType: 'bad_data' },
      });
    } finally {
      await server.close();
    }
  });
});

const WORKFLOW = `name: error-logs
description: Error lines of the last minutes, gated.
inputs:
  lokiUrl: { type: string, default: "" }
  maxErrors: { type: number, default: 5 }
stages:
  - id: check
    title: Error logs
    persona: observability
    steps:
      - id: error-lines
        logql: '{app="api", level="error"}'
        url: "\${{ inputs.lokiUrl }}"
        range: { last: 5m }
        limit: 2
      - id: error-count
        logql: 'sum(count_over_time({app="api"} |= " 500 " [5m]))'
        url: "\${{ inputs.lokiUrl }}"
    gates:
      - id: few-errors
        value: "\${{ steps.error-count.output.value }}"
        max: "\${{ inputs.maxErrors }}"
`;

describe('logql steps in a workflow run', () => {
  it('record the newest lines and a count the gate tests (URL from LOKI_URL)', async () => {
    const result = await runWorkflow(WORKFLOW, { cwd: tmpdir(), env: { LOKI_URL: loki.url } });
    expect(result.status).toBe('completed');
    const lines = stepOutput(result.events, 'error-lines') as LokiResult;
    expect(lines).toMatchObject({ count: 2, truncated: true });
    expect(lines.lines.map((l) => l.line)).toEqual([
      'POST /cart 500 db connection refused',
      'GET /checkout 500 upstream timeout',
    ]);
    expect(stepOutput(result.events, 'error-count')).toMatchObject({ value: 3 });
    expect(result.events.find((e) => e.type === 'gate_passed')).toMatchObject({
      reason: '3 is ≤ 5',
    });
  });

  it('stop at the gate over the limit (URL from the inputs)', async () => {
    const result = await runWorkflow(WORKFLOW, {
      cwd: tmpdir(),
      env: {},
      inputs: { lokiUrl: loki.url, maxErrors: 0 },
    });
    expect(result.status).toBe('gate_failed');
    expect(result.events.find((e) => e.type === 'gate_failed')).toMatchObject({
      reason: '3 is not ≤ 0',
    });
  });

  it('fail clearly without a URL, and on a bad range', async () => {
    const none = await runWorkflow(WORKFLOW, { cwd: tmpdir(), env: {} });
    expect(runError(none.events)).toEqual({
      step: 'error-lines',
      name: 'NotConfiguredError',
      message: 'logql step "error-lines" has no Loki URL: give it url: or set LOKI_URL',
    });
    const badRange = await runWorkflow(WORKFLOW.replace('last: 5m', 'last: 5 minutes'), {
      cwd: tmpdir(),
      env: { LOKI_URL: loki.url },
    });
    expect(runError(badRange.events)).toMatchObject({
      name: 'InvalidStepError',
      message:
        'logql step "error-lines": range: "5 minutes" is not a duration (e.g. 30s, 5m, 1h30m, 2d)',
    });
  });
});
