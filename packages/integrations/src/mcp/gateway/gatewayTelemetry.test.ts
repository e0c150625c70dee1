import { readFileSync } from 'node:fs';
import { propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installTelemetry } from '../../../../core/src/tracing.testkit.js';
import { fixtureServer, type Harness, resultText, startHarness } from './gateway.testkit.js';

const telemetry = installTelemetry();
afterAll(() => telemetry.shutdown());
beforeEach(() => telemetry.reset());
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const calls = () => telemetry.spans().filter((s) => s.name.startsWith('tools/call '));

describe('gateway telemetry against a real MCP server', () => {
  it('records a span, a count and a latency per proxied call, and the tokens against the budget', async () => {
    harness = await startHarness({ fx: fixtureServer('tools') }, { active: 'builder' });
    await harness.client.listTools();
    const echoed = await harness.client.callTool({
      name: 'fx__echo',
      arguments: { message: 'hi' },
    });
    expect(resultText(echoed)).toBe('hi');
    // Arguments the server's schema refuses: an error result, not a thrown call.
    const refused = await harness.client.callTool({ name: 'fx__echo', arguments: { message: 3 } });
    expect(refused.isError).toBe(true);

    expect(calls().map((s) => [s.attributes, s.status.code, s.kind])).toEqual([
      [
        {
          'mcp.method.name': 'tools/call',
          'gen_ai.tool.name': 'echo',
          'gen_ai.operation.name': 'execute_tool',
          'tta.persona': 'builder',
          'tta.mcp.server': 'fx',
          'tta.mcp.tool': 'echo',
          'tta.outcome': 'success',
        },
        SpanStatusCode.UNSET,
        SpanKind.CLIENT,
      ],
      [
        {
          'mcp.method.name': 'tools/call',
          'gen_ai.tool.name': 'echo',
          'gen_ai.operation.name': 'execute_tool',
          'tta.persona': 'builder',
          'tta.mcp.server': 'fx',
          'tta.mcp.tool': 'echo',
          'tta.outcome': 'error',
          'error.type': 'tool_error',
        },
        SpanStatusCode.ERROR,
        SpanKind.CLIENT,
      ],
    ]);
    const points = await telemetry.metricPoints();
    expect(
      points.get('tta.gateway.calls')?.map((p) => [p.attributes['tta.outcome'], p.value]),
    ).toEqual([
      ['success', 1],
      ['error', 1],
    ]);
    const latencies = points.get('mcp.client.operation.duration') ?? [];
    expect(latencies.map((p) => (p.value as { count: number }).count)).toEqual([1, 1]);
    expect(latencies.map((p) => p.attributes['error.type'])).toEqual([undefined, 'tool_error']);
    // Tokens against the budget: what the gateway's ledger counted, and the persona's budget.
    const usage = await harness.gateway.tokenUsage();
    expect(usage.total).toBeGreaterThan(0);
    expect(points.get('tta.gateway.persona_tokens')).toEqual([
      { attributes: { 'tta.persona': 'builder' }, value: usage.total },
    ]);
    expect(points.get('tta.gateway.persona_token_budget')).toEqual([
      { attributes: { 'tta.persona': 'builder' }, value: 1800 },
    ]);
  });

  it('records a call that throws (the server died) as an error with the exception', async () => {
    harness = await startHarness({ fx: fixtureServer('crash') }, { active: 'builder' });
    const crashed = await harness.client.callTool({ name: 'fx__crash_now', arguments: {} });
    expect(crashed.isError).toBe(true);
    const [span] = calls();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('sends the call span’s trace context to the server in params._meta', async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      harness = await startHarness({ fx: fixtureServer('meta') }, { active: 'builder' });
      await harness.client.listTools();
      const answer = await harness.client.callTool({ name: 'fx__meta_report', arguments: {} });
      const meta = JSON.parse(resultText(answer)) as { traceparent?: string };
      const [span] = calls();
      expect(meta.traceparent).toBe(
        `00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`,
      );
    } finally {
      propagation.disable();
    }
  });

  it('records only names that docs/observability.md lists', async () => {
    const doc = readFileSync(
      new URL('../../../../../docs/observability.md', import.meta.url),
      'utf8',
    );
    const documented = new Set([...doc.matchAll(/`(tta\.[a-z_.]+)(?:<name>)?`/g)].map((m) => m[1]));
    harness = await startHarness({ fx: fixtureServer('tools') }, { active: 'builder' });
    await harness.client.listTools();
    await harness.client.callTool({ name: 'fx__echo', arguments: { message: 'x'.repeat(9000) } });
    const emitted = new Set<string>();
    for (const span of telemetry.spans()) {
      emitted.add(span.name);
      for (const key of Object.keys(span.attributes)) emitted.add(key);
    }
    const points = await telemetry.metricPoints();
    for (const [name, series] of points) {
      emitted.add(name);
      for (const point of series) for (const key of Object.keys(point.attributes)) emitted.add(key);
    }
    expect([...emitted].filter((n) => n.startsWith('tta.') && !documented.has(n))).toEqual([]);
    // Over budget (1800 tokens): every gateway metric was recorded.
    expect([...points.keys()].filter((n) => n.startsWith('tta.gateway.')).sort()).toEqual([
      'tta.gateway.budget_exceeded',
      'tta.gateway.calls',
      'tta.gateway.persona_token_budget',
      'tta.gateway.persona_tokens',
      'tta.gateway.result_tokens',
      'tta.gateway.tool_list_tokens',
    ]);
  });
});
