import { describe, expect, it } from 'vitest';
import { takeGlobalOptions } from './globalOptions.js';

describe('takeGlobalOptions', () => {
  it('takes --trace-file from before the command, in both spellings', () => {
    expect(takeGlobalOptions(['--trace-file', 't.jsonl', 'workflow', 'demo'])).toEqual({
      options: { traceFile: 't.jsonl' },
      rest: ['workflow', 'demo'],
    });
    expect(takeGlobalOptions(['--trace-file=t.jsonl', 'persona', 'list'])).toEqual({
      options: { traceFile: 't.jsonl' },
      rest: ['persona', 'list'],
    });
  });

  it("leaves the command's own options alone", () => {
    expect(takeGlobalOptions(['workflow', 'run', 'x', '--trace-file', 'y'])).toEqual({
      options: {},
      rest: ['workflow', 'run', 'x', '--trace-file', 'y'],
    });
  });

  it('refuses --trace-file without a path (exit 2)', () => {
    for (const argv of [['--trace-file'], ['--trace-file', '--help'], ['--trace-file=']])
      expect(() => takeGlobalOptions(argv)).toThrow(
        expect.objectContaining({ exitCode: 2, message: expect.stringContaining('--trace-file') }),
      );
  });
});
