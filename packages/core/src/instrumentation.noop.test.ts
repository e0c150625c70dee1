import { context, metrics, trace } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { instruments, tracingEnabled } from './instrumentation.js';
import { sequence } from './sequence.js';
import { step } from './step.js';
import { createContext } from './WorkflowContext.js';

describe('instrumentation without an SDK', () => {
  it('does no span or metric work, and notices a provider registered later', async () => {
    expect(tracingEnabled()).toBe(false);
    expect(instruments()).toBeUndefined();
    const pipeline = sequence(
      step((x: number) => x + 1),
      step((x: number) => x * 2),
    );
    // With no provider there is no active span to find inside a step.
    const seen: unknown[] = [];
    await sequence(
      pipeline,
      step((x: number) => seen.push(trace.getActiveSpan()) && x),
    ).run(1, createContext());
    expect(seen).toEqual([undefined]);

    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    try {
      expect(tracingEnabled()).toBe(true);
      expect(await pipeline.run(1, createContext())).toBe(4);
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual([
        'tta.step',
        'tta.step',
        'tta.sequence',
      ]);
    } finally {
      trace.disable();
      context.disable();
    }
    expect(tracingEnabled()).toBe(false);
  });

  it('follows a provider that replaces another, for spans and for metrics', async () => {
    const double = step(async (n: number) => n * 2, { name: 'double' });
    const first = new InMemorySpanExporter();
    const second = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(first)] }),
    );
    try {
      await double.run(1, createContext());
      expect(instruments()).toBeUndefined();
      trace.disable();
      trace.setGlobalTracerProvider(
        new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(second)] }),
      );
      metrics.setGlobalMeterProvider(new MeterProvider());
      expect(instruments()).toBeDefined();
      await double.run(2, createContext());
      expect(first.getFinishedSpans()).toHaveLength(1);
      expect(second.getFinishedSpans().map((s) => s.attributes['tta.primitive.name'])).toEqual([
        'double',
      ]);
    } finally {
      trace.disable();
      metrics.disable();
    }
    expect(tracingEnabled()).toBe(false);
    expect(instruments()).toBeUndefined();
  });
});
