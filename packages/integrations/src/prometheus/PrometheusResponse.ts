import { z } from 'zod';

/** A sample as the HTTP API gives it: [unix seconds, value as text ("0.5", "NaN", "+Inf")]. */
const Sample = z.tuple([z.number(), z.string()]);
const Labels = z.record(z.string(), z.string());

/**
 * A sample of a native histogram carries `histogram` instead of `value`; neither is required so
 * such series are read (with no value) rather than refused.
 */
const InstantSeries = z.object({
  metric: Labels,
  value: Sample.optional(),
  histogram: z.unknown().optional(),
});
const RangeSeries = z.object({
  metric: Labels,
  values: z.array(Sample).default([]),
  histograms: z.unknown().optional(),
});

export const PrometheusData = z.discriminatedUnion('resultType', [
  z.object({ resultType: z.literal('vector'), result: z.array(InstantSeries) }),
  z.object({ resultType: z.literal('matrix'), result: z.array(RangeSeries) }),
  z.object({ resultType: z.literal('scalar'), result: Sample }),
  z.object({ resultType: z.literal('string'), result: Sample }),
]);

/** The envelope of every answer of Prometheus' query API (`/api/v1/query`, `/query_range`). */
export const PrometheusResponse = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: PrometheusData,
    warnings: z.array(z.string()).optional(),
  }),
  z.object({
    status: z.literal('error'),
    errorType: z.string(),
    error: z.string(),
    warnings: z.array(z.string()).optional(),
  }),
]);

/**
 * A sample value as a number: Prometheus writes numbers as text, with "NaN", "+Inf" and "-Inf";
 * those become null, since JSON (and so a run's recorded output) has no such numbers.
 */
export function sampleValue(text: string): number | null {
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}
