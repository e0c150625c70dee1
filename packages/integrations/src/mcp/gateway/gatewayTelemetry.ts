import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type Attributes, metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const SCOPE = '@tta-dev/integrations';

/**
 * Runs a call the gateway proxies to a downstream server inside a `tta.gateway.call` span (a
 * child of whatever is active: a workflow step's span when the engine calls a tool), and counts
 * it with its latency. A result marked `isError` counts as an error, as a thrown call does.
 */
export async function traceToolCall(
  persona: string,
  server: string,
  tool: string,
  call: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  const attributes: Attributes = {
    'tta.persona': persona,
    'tta.mcp.server': server,
    'tta.mcp.tool': tool,
  };
  const span = trace
    .getTracer(SCOPE)
    .startSpan('tta.gateway.call', { kind: SpanKind.CLIENT, attributes });
  const started = performance.now();
  let outcome: 'success' | 'error' = 'error';
  try {
    const result = await call();
    if (result.isError === true) {
      const first = result.content.find((c) => c.type === 'text');
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: first?.type === 'text' ? first.text.slice(0, 200) : 'the tool returned an error',
      });
    } else outcome = 'success';
    return result;
  } catch (error) {
    if (error instanceof Error) span.recordException(error);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    span.setAttribute('tta.outcome', outcome);
    span.end();
    const meter = metrics.getMeter(SCOPE);
    const recorded = { ...attributes, 'tta.outcome': outcome };
    meter
      .createCounter('tta.gateway.calls', {
        description: 'Tool calls proxied to downstream servers, by persona, tool and outcome',
        unit: '{call}',
      })
      .add(1, recorded);
    meter
      .createHistogram('tta.gateway.call.duration', {
        description: 'Latency of tool calls proxied to downstream servers',
        unit: 'ms',
      })
      .record(performance.now() - started, recorded);
  }
}
