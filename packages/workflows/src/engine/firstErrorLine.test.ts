import { describe, expect, it } from 'vitest';
import { firstErrorLine } from './firstErrorLine.js';

describe('firstErrorLine', () => {
  it.each([
    [
      'node',
      "node:internal/modules/cjs/loader:1228\n  throw err;\n  ^\n\nError: Cannot find module 'x'\nRequire stack:\n- /p/[eval]\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15) {\n  code: 'MODULE_NOT_FOUND',\n}\n\nNode.js v20.20.0",
      "Error: Cannot find module 'x'",
    ],
    [
      'python',
      'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nModuleNotFoundError: No module named \'x\'',
      "ModuleNotFoundError: No module named 'x'",
    ],
    [
      'git',
      'fatal: not a git repository (or any of the parent directories): .git',
      'fatal: not a git repository (or any of the parent directories): .git',
    ],
    [
      'npm',
      'npm ERR! Missing script: "test"\nnpm ERR! A complete log…',
      'npm ERR! Missing script: "test"',
    ],
    ['nothing like an error', 'all good\nbye', undefined],
  ])('%s', (_name, output, expected) => {
    expect(firstErrorLine(output)).toBe(expected);
  });
});
