import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  type Attributes,
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { INSTRUMENTATION_SCOPE } from '../../instrumentationScope.js';
import { meterInstruments } from '../../meterInstruments.js';

/**
 * Runs a call the gateway proxies to a downstream server inside a `tools/call {tool}` client span
 * (a child of whatever is active: a workflow step's span when the engine calls a tool), as
 * OpenTelemetry's MCP conventions name it, and records its duration (`mcp.client.operation.duration`,
 * seconds) and the gateway's call count. The span's context goes to the downstream server in the
 * request's `params._meta` (`traceparent`, `tracestate`), so its spans join the trace. A result
 * marked `isError` is an error (`error.type` `tool_error`), as a thrown call is (its class name).
 */
export async function traceToolCall(
  persona: string,
  server: string,
  tool: string,
  call: (meta: Record<string, string> | undefined) => Promise<CallToolResult>,
): Promise<CallToolResult> {
  const operation: Attributes = {
    'mcp.method.name': 'tools/call',
    'gen_ai.tool.name': tool,
    'gen_ai.operation.name': 'execute_tool',
  };
  const ours: Attributes = {
    'tta.persona': persona,
    'tta.mcp.server': server,
    'tta.mcp.tool': tool,
  };
  const { scope, version } = INSTRUMENTATION_SCOPE;
  const span = trace.getTracer(scope, version).startSpan(`tools/call ${tool}`, {
    kind: SpanKind.CLIENT,
    attributes: { ...operation, ...ours },
  });
  const meta: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), meta);
  const started = performance.now();
  let errorType: string | undefined;
  try {
    const result = await call(Object.keys(meta).length === 0 ? undefined : meta);
    if (result.isError === true) {
      errorType = 'tool_error';
      const first = result.content.find((c) => c.type === 'text');
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: first?.type === 'text' ? first.text.slice(0, 200) : 'the tool returned an error',
      });
    }
    return result;
  } catch (error) {
    errorType = error instanceof Error ? error.constructor.name : 'Error';
    if (error instanceof Error) span.recordException(error);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    const outcome = errorType === undefined ? 'success' : 'error';
    span.setAttribute('tta.outcome', outcome);
    if (errorType !== undefined) span.setAttribute('error.type', errorType);
    span.end();
    const { calls, duration } = gatewayInstruments();
    calls.add(1, { ...ours, 'tta.outcome': outcome });
    duration.record((performance.now() - started) / 1000, {
      ...operation,
      ...ours,
      ...(errorType === undefined ? {} : { 'error.type': errorType }),
    });
  }
}

/** The gateway's instruments, made once per meter provider (not on every proxied call). */
const gatewayInstruments = meterInstruments((meter) => ({
  calls: meter.createCounter('tta.gateway.calls', {
    description: 'Tool calls proxied to downstream servers, by persona, tool and outcome',
    unit: '{call}',
  }),
  duration: meter.createHistogram('mcp.client.operation.duration', {
    description: 'Duration of the MCP requests the gateway sends downstream',
    unit: 's',
  }),
}));
