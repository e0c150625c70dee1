import { describe, expect, it } from 'vitest';
import { parseDuration } from './parseDuration.js';
import { queryWindow } from './QueryWindow.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
    ['250ms', 250],
    ['1m30s500ms', 90_500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '5 minutes', '1.5h', '30m1h', '-5m', '0s'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/is not a (positive )?duration/);
  });
});

describe('queryWindow', () => {
  const now = new Date('2025-01-01T12:00:00Z');

  it('ends now, starts `last` before, with the step given', () => {
    expect(queryWindow({ last: '30m', step: '1m' }, now)).toEqual({
      start: new Date('2025-01-01T11:30:00Z'),
      end: now,
      stepSeconds: 60,
    });
  });

  it('chooses a step of about 60 points, at least a second', () => {
    expect(queryWindow({ last: '1h' }, now).stepSeconds).toBe(60);
    expect(queryWindow({ last: '10s' }, now).stepSeconds).toBe(1);
    expect(queryWindow({ last: '7m' }, now).stepSeconds).toBe(7);
  });

  it('refuses more points than Prometheus answers', () => {
    expect(() => queryWindow({ last: '30d', step: '1s' }, now)).toThrow(
      'a range of 30d at a step of 1s is 2592001 points; at most 11000 are answered: give a larger step',
    );
  });
});
