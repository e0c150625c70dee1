import { createRequire } from 'node:module';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createContext, step } from './index.js';

// An application that loads the primitives first and starts its SDK afterwards, through the
// CommonJS copy of @opentelemetry/api (as @opentelemetry/sdk-node does), while this package uses
// the ESM copy: spans must still be recorded.
describe('an SDK registered after the primitives loaded, through the other copy of the API', () => {
  it('still receives their spans', async () => {
    const double = step(async (n: number) => n * 2, { name: 'double' });
    await double.run(1, createContext());
    const cjsApi = createRequire(import.meta.url)(
      '@opentelemetry/api',
    ) as typeof import('@opentelemetry/api');
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    expect(cjsApi.trace.setGlobalTracerProvider(provider)).toBe(true);
    try {
      await double.run(2, createContext());
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['tta.step']);
    } finally {
      cjsApi.trace.disable();
    }
  });
});
