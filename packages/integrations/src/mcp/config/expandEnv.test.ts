// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} references are the syntax under test
import { describe, expect, it } from 'vitest';
import { expandEnv } from './expandEnv.js';

const env = { TOKEN: 'abc', EMPTY: '', HOST: 'example.com' };

describe('expandEnv', () => {
  it.each([
    ['plain text', 'plain text'],
    ['${TOKEN}', 'abc'],
    ['Bearer ${TOKEN}', 'Bearer abc'],
    ['https://${HOST}/mcp?t=${TOKEN}', 'https://example.com/mcp?t=abc'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${MISSING:-}', ''],
    ['${TOKEN:-fallback}', 'abc'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY}', ''],
    ['${MISSING:-a:b/c d}', 'a:b/c d'],
    ['${env:TOKEN}', 'abc'],
    ['$TOKEN and $ alone', '$TOKEN and $ alone'],
  ])('%s → %s', (input, output) => {
    expect(expandEnv(input, env)).toEqual({ value: output, problems: [] });
  });

  it('names an unset variable without a default, and every one of them', () => {
    const { problems } = expandEnv('${A}-${TOKEN}-${B}', env);
    expect(problems).toEqual([
      'environment variable "A" is not set (write ${A:-default} to give a default)',
      'environment variable "B" is not set (write ${B:-default} to give a default)',
    ]);
  });

  it('refuses references it cannot read instead of passing them on', () => {
    expect(expandEnv('${input:api-key}', env).problems).toEqual([
      'unsupported reference "${input:api-key}" (use ${VAR} or ${VAR:-default}, VAR being a variable name)',
    ]);
    expect(expandEnv('${}', env).problems).toHaveLength(1);
    expect(expandEnv('${1ABC}', env).problems).toHaveLength(1);
    expect(expandEnv('x ${TOKEN', env).problems).toEqual([
      'unterminated reference "${TOKEN" (expected "}")',
    ]);
    expect(expandEnv('${A:-${TOKEN}}', env).problems).toEqual([
      'nested reference in "${A:-${TOKEN}..." is not supported',
    ]);
  });

  it('reads the environment it is given, not process.env', () => {
    process.env.TTA_EXPAND_ENV_TEST = 'from-process';
    try {
      expect(expandEnv('${TTA_EXPAND_ENV_TEST:-given}', {}).value).toBe('given');
    } finally {
      delete process.env.TTA_EXPAND_ENV_TEST;
    }
  });
});
