import { describe, expect, it } from 'vitest';
import { type ExpressionError, isExpressionError } from './ExpressionError.js';
import { evaluate } from './evaluate.js';
import { parseExpression } from './parseExpression.js';
import { renderDeep, renderTemplate, templateExpressions } from './template.js';

const scope = {
  inputs: { version: '1.4.0', dryRun: true, count: 3 },
  memory: { 'api-contract': { path: '/users' }, coverage: 86.5 },
  steps: { tests: { output: { passed: 128, failed: 0, names: ['a', 'b'] }, exitCode: 0 } },
};
const run = (source: string) => evaluate(parseExpression(source), scope, source);

describe('expressions', () => {
  it.each([
    ['inputs.version', '1.4.0'],
    ["memory['api-contract'].path", '/users'],
    ['steps.tests.output.passed', 128],
    ['steps.tests.output.names.1', 'b'],
    ['steps.missing.output', undefined],
    ['memory.coverage >= 80', true],
    ['memory.coverage < 80 || inputs.dryRun', true],
    ['!inputs.dryRun && inputs.count > 1', false],
    ["inputs.version == '1.4.0'", true],
    ['inputs.count == "3"', true],
    ['inputs.count != 3', false],
    ['(1 < 2) && (2 <= 2) && (3 > -1)', true],
    ["contains(steps.tests.output.names, 'a')", true],
    ["startsWith(inputs.version, '1.')", true],
    ['length(steps.tests.output.names)', 2],
    ["join(steps.tests.output.names, '+')", 'a+b'],
    ['fromJSON(\'{"a":1}\')', { a: 1 }],
    ['number("42") > 41', true],
    ['steps.missing.output > 1', false],
    ['null == steps.missing.output', true],
  ])('%s → %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it.each([
    ['inputs.', 'expected a name after "."', 7],
    ['inputs.version ==', 'unexpected end of expression', 17],
    ["'open", 'unterminated string', 0],
    ['a ~ b', 'unexpected character "~"', 2],
    ['(1 < 2', 'expected ")"', 6],
    ['1 2', 'unexpected text after the expression', 2],
  ])('refuses %s: %s at %i', (source, reason, offset) => {
    let error: unknown;
    try {
      parseExpression(source);
    } catch (e) {
      error = e;
    }
    expect(isExpressionError(error)).toBe(true);
    expect((error as ExpressionError).reason).toBe(reason);
    expect((error as ExpressionError).offset).toBe(offset);
  });

  it('names the known roots and functions when one is unknown', () => {
    expect(() => run('secrets.token')).toThrow(
      /unknown name "secrets" \(use inputs, memory, steps\)/,
    );
    expect(() => run('shell("rm -rf /")')).toThrow(/unknown function "shell"/);
  });
});

describe('templates', () => {
  it('keeps the value of a whole-string expression', () => {
    expect(renderTemplate('${{ steps.tests.output }}', scope)).toEqual(scope.steps.tests.output);
    expect(renderTemplate('  ${{memory.coverage}} ', scope)).toBe(86.5);
  });

  it('interpolates text, objects as JSON, missing as empty', () => {
    expect(
      renderTemplate(
        'release v${{ inputs.version }} (${{ steps.tests.output.passed }} tests)',
        scope,
      ),
    ).toBe('release v1.4.0 (128 tests)');
    expect(
      renderTemplate('contract: ${{ memory.api-contract }}', {
        ...scope,
        memory: { 'api-contract': { a: 1 } },
      }),
    ).toBe('contract: {"a":1}');
    expect(renderTemplate('[${{ steps.nope.output }}]', scope)).toBe('[]');
    expect(renderTemplate('no expressions', scope)).toBe('no expressions');
  });

  it('renders deep structures', () => {
    expect(
      renderDeep(
        { args: ['--tag', 'v${{ inputs.version }}'], n: '${{ inputs.count }}', keep: 1 },
        scope,
      ),
    ).toEqual({
      args: ['--tag', 'v1.4.0'],
      n: 3,
      keep: 1,
    });
  });

  it('reports errors at their offset in the whole text', () => {
    const text = 'echo ${{ inputs.version }} && ${{ inputs. }}';
    let error: unknown;
    try {
      templateExpressions(text);
    } catch (e) {
      error = e;
    }
    expect((error as ExpressionError).offset).toBe(text.indexOf('inputs. ') + 'inputs.'.length);
    expect(() => templateExpressions('oops ${{ inputs.version')).toThrow(/unclosed/);
  });
});
