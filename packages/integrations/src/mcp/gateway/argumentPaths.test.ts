import { describe, expect, it } from 'vitest';
import { argumentPaths, isPathKey, looksLikePath } from './argumentPaths.js';

describe('argumentPaths', () => {
  it.each([
    'path',
    'paths',
    'filePath',
    'file_name',
    'targetDir',
    'DEST-FILE',
    'rootUri',
    'ROOT_URI',
    'workspaceFolder',
    'sourceDirectory',
    'cwd',
  ])('takes %s for a path key', (key) => {
    expect(isPathKey(key)).toBe(true);
  });

  it.each(['message', 'content', 'name', 'query', 'text', 'url', 'number'])(
    'does not take %s for a path key',
    (key) => {
      expect(isPathKey(key)).toBe(false);
    },
  );

  it.each([
    '/etc/passwd',
    './a',
    '../a',
    '~',
    '~/x',
    'C:\\Users',
    '.env',
    'secrets/key',
    'a\\b',
    'file:///x',
  ])('takes %j for a path under any key', (value) => {
    expect(looksLikePath(value)).toBe(true);
  });

  it.each(['hello', 'see the .env docs', 'v1.2.3', '...', '', 'https: //x'])(
    'does not take %j for a path under any key',
    (value) => {
      expect(looksLikePath(value)).toBe(false);
    },
  );

  it('finds paths at any depth, in lists, in keys, and decodes file: URIs', () => {
    expect(
      argumentPaths({
        message: 'plain words',
        options: { outputFile: 'out.txt', nested: [{ targetDir: 'build' }] },
        files: ['a.txt', 'b.txt'],
        extra: { '/abs/key': 1 },
        uri: 'file:///srv/caf%C3%A9/.env',
      }),
    ).toEqual([
      { argument: 'options.outputFile', path: 'out.txt' },
      { argument: 'options.nested.0.targetDir', path: 'build' },
      { argument: 'files.0', path: 'a.txt' },
      { argument: 'files.1', path: 'b.txt' },
      { argument: 'extra./abs/key', path: '/abs/key' },
      { argument: 'uri', path: '/srv/café/.env' },
    ]);
  });

  it('keeps a malformed file: URI as written, to be checked as it is', () => {
    expect(argumentPaths({ uri: 'file://%zz' })).toEqual([{ argument: 'uri', path: 'file://%zz' }]);
  });
});
