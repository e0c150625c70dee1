import { describe, expect, it } from 'vitest';
import { formatLogseqDate } from './formatLogseqDate.js';
import { pageFileBody, pageNameOfFileBody } from './logseqFileName.js';

describe('pageFileBody (Logseq’s :triple-lowbar file names)', () => {
  it.each([
    ['TTA/Runs/package-release/2026-11-25 r-1', 'TTA___Runs___package-release___2026-11-25 r-1'],
    ['Release notes v1.2.3', 'Release notes v1.2.3'],
    ['a:b*c?"d"<e>|f#g\\h', 'a%3Ab%2Ac%3F%22d%22%3Ce%3E%7Cf%23g%5Ch'],
    ['100%', '100%'],
    ['50%25 off', '50%2525 off'],
    ['.hidden', '%2Ehidden'],
    ['CON', 'CON___'],
    ['ends with a dot.', 'ends with a dot.___'],
    ['a___b', 'a%5F%5F%5Fb'],
    ['a_/b', 'a%5F___b'],
    ['a/_b', 'a___%5Fb'],
    ['/trimmed/', 'trimmed'],
    ['Café', 'Café'],
  ])('%j → %j, and back', (name, body) => {
    expect(pageFileBody(name)).toBe(body);
    if (name !== '/trimmed/') expect(pageNameOfFileBody(body)).toBe(name.replace(/\/$/, ''));
  });

  it('percent-encodes the namespace slash too in the legacy format', () => {
    expect(pageFileBody('TTA/Runs/a: b', 'legacy')).toBe('TTA%2FRuns%2Fa%3A b');
  });
});

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
