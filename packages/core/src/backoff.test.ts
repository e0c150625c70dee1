import { describe, expect, it } from 'vitest';
import {
  type BackoffKind,
  backoffDelay,
  DEFAULT_INITIAL_DELAY_MS,
  DEFAULT_MAX_DELAY_MS,
} from './backoff.js';

describe('backoffDelay without jitter', () => {
  it.each<[BackoffKind, number, number]>([
    ['constant', 1, 100],
    ['constant', 2, 100],
    ['constant', 7, 100],
    ['linear', 1, 100],
    ['linear', 2, 200],
    ['linear', 3, 300],
    ['linear', 6, 600],
    ['linear', 7, 650],
    ['exponential', 1, 100],
    ['exponential', 2, 200],
    ['exponential', 3, 400],
    ['exponential', 4, 650],
    ['exponential', 10, 650],
    ['exponential', 2000, 650],
  ])('%s, retry %i → %i ms (initial 100, cap 650)', (backoff, retry, expected) => {
    expect(backoffDelay({ backoff, initialDelayMs: 100, maxDelayMs: 650 }, retry, 0)).toBe(
      expected,
    );
  });

  it('defaults to exponential from DEFAULT_INITIAL_DELAY_MS, capped at DEFAULT_MAX_DELAY_MS', () => {
    expect(backoffDelay({}, 1, 0)).toBe(DEFAULT_INITIAL_DELAY_MS);
    expect(backoffDelay({}, 3, 0)).toBe(DEFAULT_INITIAL_DELAY_MS * 4);
    expect(backoffDelay({}, 50, 0)).toBe(DEFAULT_MAX_DELAY_MS);
  });

  it('ignores the random source and the previous delay', () => {
    const random = () => {
      throw new Error('random must not be called without jitter');
    };
    expect(backoffDelay({ initialDelayMs: 50, random }, 2, 99_999)).toBe(100);
  });
});

describe('backoffDelay with full jitter', () => {
  it.each<[BackoffKind, number, number, number]>([
    // kind, retry, random(), expected = floor(random × capped delay)
    ['exponential', 3, 0, 0],
    ['exponential', 3, 0.5, 200],
    ['exponential', 3, 0.999, 399],
    ['linear', 2, 0.25, 50],
    ['constant', 5, 0.75, 75],
    ['exponential', 20, 0.5, 325], // capped at 650 first
  ])('%s, retry %i, random %d → %i ms', (backoff, retry, r, expected) => {
    expect(
      backoffDelay(
        { backoff, initialDelayMs: 100, maxDelayMs: 650, jitter: 'full', random: () => r },
        retry,
        0,
      ),
    ).toBe(expected);
  });
});

describe('backoffDelay with decorrelated jitter', () => {
  it.each<[number, number, number]>([
    // previous delay, random(), expected = min(cap, floor(initial + random × (max(initial, 3 × previous) − initial)))
    [0, 0.9, 100], // first retry: the range is [initial, initial]
    [100, 0, 100],
    [100, 0.5, 200],
    [1_000, 0.5, 1_550],
    [1_000, 0.999, 2_997],
    [4_000, 0.5, 5_000], // 6 050 capped
    [4_000, 0, 100],
  ])('previous %i ms, random %d → %i ms', (previous, r, expected) => {
    expect(
      backoffDelay(
        { initialDelayMs: 100, maxDelayMs: 5_000, jitter: 'decorrelated', random: () => r },
        1,
        previous,
      ),
    ).toBe(expected);
  });

  it('stays within [initial, cap] whatever the random draw', () => {
    for (const r of [0, 0.1, 0.33, 0.5, 0.77, 0.9999])
      for (const previous of [0, 50, 100, 333, 1_700, 10_000]) {
        const delay = backoffDelay(
          { initialDelayMs: 100, maxDelayMs: 2_000, jitter: 'decorrelated', random: () => r },
          3,
          previous,
        );
        expect(delay).toBeGreaterThanOrEqual(100);
        expect(delay).toBeLessThanOrEqual(2_000);
      }
  });
});
