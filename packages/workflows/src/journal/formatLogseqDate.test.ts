import { describe, expect, it } from 'vitest';
import { formatLogseqDate } from './formatLogseqDate.js';

describe('formatLogseqDate', () => {
  it.each([
    ['yyyy_MM_dd', '2026_11_05'],
    ['yyyy-MM-dd', '2026-11-05'],
    ['MMM do, yyyy', 'Nov 5th, 2026'],
    ['EEEE, MMMM d yy', 'Thursday, November 5 26'],
    ["'week of' E M/d", 'week of Thu 11/5'],
  ])('%s', (format, expected) => {
    expect(formatLogseqDate('2026-11-05', format)).toBe(expected);
  });

  it('writes ordinals as Logseq does', () => {
    expect(
      ['01', '02', '03', '04', '11', '12', '13', '21', '22', '23', '31'].map((d) =>
        formatLogseqDate(`2026-01-${d}`, 'do'),
      ),
    ).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '31st']);
  });

  it('refuses a day that is not YYYY-MM-DD', () => {
    expect(() => formatLogseqDate('5/11/2026', 'yyyy')).toThrow(
      '"5/11/2026" is not a day as YYYY-MM-DD',
    );
  });
});
