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

  it('takes --trace-file after the command too, and leaves the rest in order', () => {
    expect(takeGlobalOptions(['workflow', 'run', 'x', '--trace-file', 'y', '--json'])).toEqual({
      options: { traceFile: 'y' },
      rest: ['workflow', 'run', 'x', '--json'],
    });
    expect(takeGlobalOptions(['persona', 'list', '--trace-file=t.jsonl'])).toEqual({
      options: { traceFile: 't.jsonl' },
      rest: ['persona', 'list'],
    });
  });

  it('leaves what follows "--" alone', () => {
    expect(takeGlobalOptions(['workflow', '--', '--trace-file', 'y'])).toEqual({
      options: {},
      rest: ['workflow', '--', '--trace-file', 'y'],
    });
  });

  it('refuses --trace-file without a path (exit 2)', () => {
    for (const argv of [['--trace-file'], ['--trace-file', '--help'], ['--trace-file=']])
      expect(() => takeGlobalOptions(argv)).toThrow(
        expect.objectContaining({ exitCode: 2, message: expect.stringContaining('--trace-file') }),
      );
  });
});
