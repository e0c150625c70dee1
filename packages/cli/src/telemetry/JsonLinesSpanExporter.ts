import { appendFile } from 'node:fs/promises';
import { type HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { core } from '@opentelemetry/sdk-node';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** One line of a trace file: a finished span, self-contained and easy to `jq`. */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  /** `null` for the root span of a trace. */
  readonly parentSpanId: string | null;
  readonly name: string;
  readonly kind: string;
  /** The instrumentation scope that recorded it (`@tta-dev/workflows`, `@tta-dev/core`…). */
  readonly scope: string;
  /** ISO 8601 (milliseconds); `startTimeUnixNano` orders spans exactly. */
  readonly start: string;
  readonly end: string;
  readonly startTimeUnixNano: string;
  readonly durationMs: number;
  readonly attributes: Record<string, unknown>;
  readonly events: readonly {
    readonly name: string;
    readonly time: string;
    readonly attributes: Record<string, unknown>;
  }[];
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
  readonly status: { readonly code: 'UNSET' | 'OK' | 'ERROR'; readonly message?: string };
}

const STATUS = {
  [SpanStatusCode.UNSET]: 'UNSET',
  [SpanStatusCode.OK]: 'OK',
  [SpanStatusCode.ERROR]: 'ERROR',
} as const;

const millis = ([seconds, nanos]: HrTime) => seconds * 1000 + nanos / 1e6;
const iso = (time: HrTime) => new Date(millis(time)).toISOString();

/** The line of a trace file that a finished span becomes. */
export function spanRecord(span: ReadableSpan): SpanRecord {
  const { traceId, spanId } = span.spanContext();
  return {
    traceId,
    spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    kind: SpanKind[span.kind] ?? String(span.kind),
    scope: span.instrumentationScope.name,
    start: iso(span.startTime),
    end: iso(span.endTime),
    startTimeUnixNano: (
      BigInt(span.startTime[0]) * 1_000_000_000n +
      BigInt(span.startTime[1])
    ).toString(),
    durationMs: Math.round(millis(span.duration) * 1000) / 1000,
    attributes: { ...span.attributes },
    events: span.events.map((e) => ({
      name: e.name,
      time: iso(e.time),
      attributes: { ...e.attributes },
    })),
    links: span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })),
    status: {
      code: STATUS[span.status.code],
      ...(span.status.message === undefined ? {} : { message: span.status.message }),
    },
  };
}

/**
 * Writes finished spans to a file as JSON lines, appending (several runs, or several processes,
 * may share one file: each batch is one `O_APPEND` write). For `tta --trace-file`.
 */
export class JsonLinesSpanExporter implements SpanExporter {
  private pending: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(readonly file: string) {}

  export(spans: ReadableSpan[], done: (result: core.ExportResult) => void): void {
    if (this.stopped) {
      done({
        code: core.ExportResultCode.FAILED,
        error: new Error('the trace file exporter is shut down'),
      });
      return;
    }
    const text = spans.map((s) => `${JSON.stringify(spanRecord(s))}\n`).join('');
    this.pending = this.pending.then(() =>
      appendFile(this.file, text).then(
        () => done({ code: core.ExportResultCode.SUCCESS }),
        (error: Error) => done({ code: core.ExportResultCode.FAILED, error }),
      ),
    );
  }

  /** Resolves when every batch handed over so far is written. */
  forceFlush(): Promise<void> {
    return this.pending;
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.pending;
  }
}
