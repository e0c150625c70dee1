/** A gap in the timeline drawn narrow: a run that waited hours for a person stays readable. */
export interface TimeBreak {
  /** Where the break is drawn (its left edge). */
  readonly x: number;
  readonly width: number;
  /** How long the gap it stands for is. */
  readonly ms: number;
}

export interface TimeScale {
  /** The x of an instant. */
  readonly x: (time: number) => number;
  readonly breaks: readonly TimeBreak[];
  /** Instants worth a tick on the axis, about every `approximately` pixels. */
  readonly ticks: (approximately?: number) => number[];
}

/** A gap longer than this, and than a quarter of the run, is drawn as a break. */
export const MIN_BREAK_MS = 60_000;
const BREAK_WIDTH = 24;
const NICE_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000,
  300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

/**
 * Maps the instants of a run onto [x0, x1], linearly within stretches of activity and with each
 * long idle gap between them (an `agent` step waiting for its person) drawn as a narrow break.
 */
export function timeScale(times: readonly number[], x0: number, x1: number): TimeScale {
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  const first = sorted[0] ?? 0;
  const last = sorted.at(-1) ?? first;
  const threshold = Math.max(MIN_BREAK_MS, (last - first) / 4);
  // Stretches of activity, separated by the gaps drawn as breaks.
  const pieces: { start: number; end: number }[] = [{ start: first, end: first }];
  for (const t of sorted) {
    const piece = pieces.at(-1)!;
    if (t - piece.end > threshold) pieces.push({ start: t, end: t });
    else piece.end = t;
  }
  const active = pieces.reduce((sum, p) => sum + (p.end - p.start), 0);
  const plot = x1 - x0 - (pieces.length - 1) * BREAK_WIDTH;
  const perMs = plot / Math.max(active, 1);
  const starts: number[] = [];
  let cursor = x0;
  for (const piece of pieces) {
    starts.push(cursor);
    cursor += (piece.end - piece.start) * perMs + BREAK_WIDTH;
  }
  const x = (time: number): number => {
    for (let i = pieces.length - 1; i >= 0; i--) {
      const piece = pieces[i]!;
      if (time >= piece.start)
        return starts[i]! + Math.min(time - piece.start, piece.end - piece.start) * perMs;
      const previous = pieces[i - 1];
      if (previous !== undefined && time > previous.end) {
        // Inside a break: somewhere along its width.
        const gap = piece.start - previous.end;
        return starts[i]! - BREAK_WIDTH + ((time - previous.end) / gap) * BREAK_WIDTH;
      }
    }
    return x0;
  };
  const breaks = pieces.slice(1).map((piece, i) => ({
    x: starts[i + 1]! - BREAK_WIDTH,
    width: BREAK_WIDTH,
    ms: piece.start - pieces[i]!.end,
  }));
  const ticks = (approximately = 100): number[] => {
    const wanted = Math.max(1, Math.floor(plot / approximately));
    const step = NICE_MS.find((n) => active / n <= wanted) ?? NICE_MS.at(-1)!;
    const result: number[] = [];
    for (const piece of pieces) {
      // Ticks at round offsets from the run's start, where the run was active.
      for (
        let t = Math.ceil((piece.start - first) / step) * step + first;
        t <= piece.end;
        t += step
      )
        result.push(t);
    }
    return result;
  };
  return { x, breaks, ticks };
}
