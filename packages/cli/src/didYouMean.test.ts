import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './didYouMean.js';
import { captureIo } from './io.testkit.js';
import { runSafely, runTta } from './main.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['workflw', 'workflow', 1],
    ['lsit', 'list', 1], // a swap of neighbours is one edit
    ['inptu', 'input', 1],
    ['kitten', 'sitting', 3],
    ['abc', '', 3],
  ])('%s → %s: %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('didYouMean', () => {
  const commands = ['list', 'show', 'validate', 'run', 'status', 'resume', 'logs'];
  it('names the nearest candidate', () => {
    expect(didYouMean('lsit', commands)).toBe('; did you mean "list"?');
    expect(didYouMean('staus', commands)).toBe('; did you mean "status"?');
    expect(didYouMean('valid', commands)).toBe('; did you mean "validate"?');
  });

  it('says nothing when no candidate is near', () => {
    expect(didYouMean('frobnicate', commands)).toBe('');
    expect(didYouMean('xy', commands)).toBe('');
  });
});

describe('the CLI suggests the command or option meant (exit 2)', () => {
  const tta = async (argv: string[]) => {
    const io = captureIo({ env: { TTA_HOME: '/nonexistent-tta-home' } });
    const code = await runSafely(io, () => runTta(argv, io, '0.0.0'));
    return { code, out: io.out(), err: io.err() };
  };

  it.each([
    [['workflw', 'list'], 'tta: unknown command "workflw"; did you mean "workflow"?'],
    [['--verison'], 'tta: unknown option "--verison"; did you mean "--version"?'],
    [['workflow', 'lsit'], 'tta workflow: unknown command "lsit"; did you mean "list"?'],
    [['mcp', 'tokns'], 'tta mcp: unknown command "tokns"; did you mean "tokens"?'],
    [
      ['workflow', 'run', 'x', '--inptu', 'a=b'],
      `tta workflow run: Unknown option '--inptu'; did you mean "--input"?`,
    ],
    [
      ['workflow', 'show', 'x', '--mermiad'],
      `tta workflow show: Unknown option '--mermiad'; did you mean "--mermaid"?`,
    ],
  ])('tta %j', async (argv, line) => {
    const ran = await tta(argv);
    expect(ran.code).toBe(2);
    expect(ran.out).toBe('');
    expect(ran.err.split('\n')[0]).toBe(line);
  });
});
