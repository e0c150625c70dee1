import { describe, expect, it } from 'vitest';
import {
  isSecretKey,
  MIN_SECRET_LENGTH,
  REDACTED,
  redactSecrets,
  redactString,
  secretValuesFromEnv,
} from './redactSecrets.js';

const GHP = `ghp_${'A1b2C3d4E5'.repeat(3)}abcdef`; // 36 characters after the prefix
const NPM = `npm_${'Z9y8X7w6V5'.repeat(3)}uvwxyz`;
const FINE_GRAINED = `github_pat_11ABCDEFG0123456789_${'a'.repeat(59)}`;
const ANTHROPIC = `sk-ant-api03-${'Q'.repeat(40)}`;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';

describe('isSecretKey', () => {
  it.each([
    'GITHUB_TOKEN',
    'NPM_TOKEN',
    'github_token',
    'token',
    'accessToken',
    'x-auth-token',
    'OPENAI_API_KEY',
    'AWS_SECRET_ACCESS_KEY',
    'CACHE_KEY',
    'x-api-key',
    'apiKey',
    'privateKey',
    'clientSecret',
    'CLIENT_SECRET',
    'secret',
    'password',
    'PASSWORD',
    'dbPassword',
    'DB_PASSWD',
    'authorization',
    'Authorization',
    'Proxy-Authorization',
    'cookie',
    'GH_PAT',
    'credentials',
  ])('%s names a secret', (name) => {
    expect(isSecretKey(name)).toBe(true);
  });

  it.each([
    'key',
    'KEY',
    'cacheKey',
    'idempotencyKey',
    'memoryKey',
    'tokens',
    'maxTokens',
    'inputTokens',
    'tokenBudget',
    'secretName',
    'passwordFile',
    'keyFiles',
    'author',
    'stdout',
    'PATH',
    'pwd',
    '',
  ])('%j does not', (name) => {
    expect(isSecretKey(name)).toBe(false);
  });
});

describe('redactString', () => {
  it.each<[string, string, string]>([
    ['a classic GitHub token', `token ${GHP} used`, `token ${REDACTED} used`],
    ['a GitHub server token', `ghs_${'x'.repeat(36)}`, REDACTED],
    ['a fine-grained GitHub token', `GH=${FINE_GRAINED}.`, `GH=${REDACTED}.`],
    [
      'an npm token',
      `//registry.npmjs.org/:_authToken=${NPM}`,
      `//registry.npmjs.org/:_authToken=${REDACTED}`,
    ],
    ['an AWS access key id', 'key AKIAIOSFODNN7EXAMPLE in use', `key ${REDACTED} in use`],
    ['a temporary AWS key id', 'ASIAY34FZKBOKMUTVV7A', REDACTED],
    ['an Anthropic key', `using ${ANTHROPIC}`, `using ${REDACTED}`],
    ['a bearer token', `sent Bearer ${JWT} ok`, `sent Bearer ${REDACTED} ok`],
    [
      'an Authorization header',
      'curl -H "Authorization: Bearer abc" x',
      `curl -H "Authorization: Bearer ${REDACTED}" x`,
    ],
    ['basic auth', 'authorization: Basic dXNlcjpwYXNz', `authorization: Basic ${REDACTED}`],
    ['a bare authorization value', 'Authorization=s3cr3t-value', `Authorization=${REDACTED}`],
    [
      'URL credentials',
      'git clone https://bob:pa55w0rd@github.com/o/r.git',
      `git clone https://bob:${REDACTED}@github.com/o/r.git`,
    ],
    [
      'a token in a URL',
      `https://x-access-token:${GHP}@github.com`,
      `https://x-access-token:${REDACTED}@github.com`,
    ],
    [
      'an assignment of a secret variable',
      'NPM_TOKEN=abc123 npm publish',
      `NPM_TOKEN=${REDACTED} npm publish`,
    ],
    ['an exported key', 'export OPENAI_API_KEY=sk-123', `export OPENAI_API_KEY=${REDACTED}`],
    [
      'a PEM private key',
      'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\n-----END RSA PRIVATE KEY-----\nend',
      `key:\n${REDACTED}\nend`,
    ],
  ])('replaces %s', (_what, text, expected) => {
    expect(redactString(text)).toBe(expected);
  });

  it.each([
    'the bearer of bad news',
    'Basic configuration is enough',
    'npm_config_cache=/tmp/npm',
    'ghp_short',
    'AKIA too short',
    'sk-ant-short',
    'https://github.com/o/r.git',
    'see http://host:8080/path',
    'MAX_TOKENS=4000',
    '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----',
    'plain text, nothing secret: 42',
  ])('leaves %j alone', (text) => {
    expect(redactString(text)).toBe(text);
  });

  it('replaces every occurrence of the given secret values, longest first', () => {
    const secrets = ['s3cret-value', 's3cret-value-longer'];
    expect(redactString('a s3cret-value-longer b s3cret-value c s3cret-value', { secrets })).toBe(
      `a ${REDACTED} b ${REDACTED} c ${REDACTED}`,
    );
  });

  it(`ignores given values shorter than ${MIN_SECRET_LENGTH} characters`, () => {
    expect(redactString('true is 1234', { secrets: ['true', '1234', ''] })).toBe('true is 1234');
    expect(redactString('pin 123456', { secrets: ['123456'] })).toBe(`pin ${REDACTED}`);
  });

  it('is idempotent', () => {
    const text = `Authorization: Bearer ${JWT} and ${GHP} and NPM_TOKEN=x`;
    const once = redactString(text);
    expect(redactString(once)).toBe(once);
  });
});

describe('redactSecrets', () => {
  it('replaces values under secret keys and secrets inside strings, at any depth', () => {
    const value = {
      env: { GITHUB_TOKEN: GHP, HOME: '/home/u', DB_PASSWORD: 12345 },
      steps: [
        { stdout: `pushed with ${GHP}`, headers: { authorization: 'Bearer x', accept: '*/*' } },
      ],
      apiKey: { id: 'k1', value: 'v' },
      cacheKey: 'build-abc',
      note: 'the deploy secret is open-sesame-42',
    };
    expect(redactSecrets(value, { secrets: ['open-sesame-42'] })).toEqual({
      env: { GITHUB_TOKEN: REDACTED, HOME: '/home/u', DB_PASSWORD: REDACTED },
      steps: [
        { stdout: `pushed with ${REDACTED}`, headers: { authorization: REDACTED, accept: '*/*' } },
      ],
      apiKey: REDACTED,
      cacheKey: 'build-abc',
      note: `the deploy secret is ${REDACTED}`,
    });
  });

  it('keeps secret-named fields that hold nothing: null, undefined, booleans, empty strings', () => {
    const value = { token: null, password: '', hasToken: true, secret: undefined, API_KEY: false };
    expect(redactSecrets(value)).toEqual(value);
  });

  it('never changes its input', () => {
    const value = deepFreeze({
      a: { NPM_TOKEN: 'x'.repeat(10), list: [`${GHP}`, { password: 'p' }] },
    });
    const copy = structuredClone(value);
    const result = redactSecrets(value);
    expect(value).toEqual(copy);
    expect(result).not.toBe(value);
    expect(result.a.list).not.toBe(value.a.list);
  });

  it('passes scalars and non-plain objects through, and replaces a cycle', () => {
    const date = new Date(0);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(redactSecrets(42)).toBe(42);
    expect(redactSecrets(null)).toBe(null);
    expect(redactSecrets(`x ${GHP}`)).toBe(`x ${REDACTED}`);
    expect(redactSecrets({ at: date }).at).toBe(date);
    expect(redactSecrets(cyclic)).toEqual({ name: 'loop', self: '[circular]' });
    const shared = { n: 1 };
    expect(redactSecrets({ a: shared, b: shared })).toEqual({ a: { n: 1 }, b: { n: 1 } });
  });

  it('keeps an own "__proto__" key a key', () => {
    const parsed = JSON.parse('{"__proto__": {"token": "abcdef"}, "x": 1}') as object;
    const result = redactSecrets(parsed);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['__proto__', 'x']);
    expect(JSON.stringify(result)).toBe('{"__proto__":{"token":"[redacted]"},"x":1}');
  });
});

describe('secretValuesFromEnv', () => {
  it('collects the values of secret-named variables long enough to search for', () => {
    const env = {
      NPM_TOKEN: 'npm-value-1',
      AWS_SECRET_ACCESS_KEY: 'aws-value-22',
      SHORT_TOKEN: 'abc',
      HOME: '/home/user',
      EMPTY_SECRET: undefined,
    };
    expect([...secretValuesFromEnv(env)].sort()).toEqual(['aws-value-22', 'npm-value-1']);
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
