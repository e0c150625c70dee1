import { describe, expect, it } from 'vitest';
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
