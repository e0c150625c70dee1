import { describe, expect, it } from 'vitest';
import { redactUrl, scrubUrl, secretsOfUrl } from './redactUrl.js';

describe('redactUrl', () => {
  it.each([
    ['redis://:hunter2@r.internal:6379/1', 'redis://:***@r.internal:6379/1'],
    ['rediss://user:p%40ss@r:6380', 'rediss://user:***@r:6380'],
    ['postgres://tta@db/runs', 'postgres://tta@db/runs'],
    [
      'postgresql://u@db/x?sslmode=require&password=hunter2',
      'postgresql://u@db/x?sslmode=require&password=***',
    ],
    ['not a url with hunter2', '(unparsable URL)'],
  ])('%s → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('scrubs the password, raw and decoded, from any text', () => {
    const url = 'postgres://u:p%40ss-word@db/x';
    expect(secretsOfUrl(url)).toEqual(['p%40ss-word', 'p@ss-word']);
    expect(scrubUrl(`failed for ${url}: auth p@ss-word refused`, url)).toBe(
      'failed for postgres://u:***@db/x: auth *** refused',
    );
  });
});
