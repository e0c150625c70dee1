import { describe, expect, it } from 'vitest';
import { timeScale } from './timeScale.js';

describe('timeScale', () => {
  it('is linear over a run without long waits', () => {
    const scale = timeScale([1_000, 3_000, 5_000], 100, 500);
    expect([scale.x(1_000), scale.x(3_000), scale.x(5_000)]).toEqual([100, 300, 500]);
    expect(scale.breaks).toEqual([]);
    const ticks = scale.ticks(100);
    expect(ticks[0]).toBe(1_000);
    expect(ticks.every((t, i) => i === 0 || t > ticks[i - 1]!)).toBe(true);
    expect(ticks.length).toBeGreaterThan(1);
    expect(ticks.length).toBeLessThanOrEqual(5);
  });

  it('draws an idle hour as a narrow break and keeps order across it', () => {
    const hour = 3_600_000;
    const scale = timeScale([0, 10_000, hour + 10_000, hour + 20_000], 0, 424);
    expect(scale.breaks).toEqual([{ x: 200, width: 24, ms: hour }]);
    expect([scale.x(0), scale.x(10_000), scale.x(hour + 10_000), scale.x(hour + 20_000)]).toEqual([
      0, 200, 224, 424,
    ]);
    const inside = scale.x(hour / 2);
    expect(inside).toBeGreaterThan(200);
    expect(inside).toBeLessThan(224);
    // No tick falls in the break.
    expect(scale.ticks().every((t) => t <= 10_000 || t >= hour + 10_000)).toBe(true);
  });

  it('puts a single instant at the left edge', () => {
    const scale = timeScale([42], 10, 90);
    expect(scale.x(42)).toBe(10);
    expect(scale.ticks()).toEqual([42]);
  });
});
