import { parseDuration } from './parseDuration.js';

/** The `range` of a query step as written: how far back from now, and the resolution. */
export interface QueryRange {
  readonly last: string;
  readonly step?: string | undefined;
}

/** A range query's window: from `start` to `end`, a point every `stepSeconds`. */
export interface QueryWindow {
  readonly start: Date;
  readonly end: Date;
  readonly stepSeconds: number;
}

/** Prometheus refuses range queries of more points than this per series. */
export const MAX_POINTS = 11_000;

/** About this many points when no step is given: enough to see a trend, little to record. */
const DEFAULT_POINTS = 60;

/** The window of `range` ending `now`; a step that would give too many points is refused. */
export function queryWindow(range: QueryRange, now = new Date()): QueryWindow {
  const lastMs = parseDuration(range.last);
  const stepMs =
    range.step === undefined
      ? Math.max(1000, Math.ceil(lastMs / DEFAULT_POINTS / 1000) * 1000)
      : parseDuration(range.step);
  const points = Math.floor(lastMs / stepMs) + 1;
  if (points > MAX_POINTS)
    throw new Error(
      `a range of ${range.last} at a step of ${range.step} is ${points} points; at most ${MAX_POINTS} are answered: give a larger step`,
    );
  return {
    start: new Date(now.getTime() - lastMs),
    end: now,
    stepSeconds: stepMs / 1000,
  };
}
