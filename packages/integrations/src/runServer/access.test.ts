import { describe, expect, it } from 'vitest';
import { isLoopbackHost, tokenProblem } from './access.js';

describe('isLoopbackHost', () => {
  it('knows the names and addresses only this machine reaches', () => {
    for (const host of [
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '[::1]',
      'localhost',
      'LOCALHOST',
      'app.localhost',
      '::ffff:127.0.0.1',
    ])
      expect([host, isLoopbackHost(host)]).toEqual([host, true]);
    for (const host of [
      '0.0.0.0',
      '::',
      '192.168.1.2',
      '10.0.0.1',
      'example.com',
      'localhost.example.com',
      '128.0.0.1',
      '',
    ])
      expect([host, isLoopbackHost(host)]).toEqual([host, false]);
  });
});

describe('tokenProblem', () => {
  it('wants 16 or more visible ASCII characters', () => {
    expect(tokenProblem('x'.repeat(16))).toBeUndefined();
    expect(tokenProblem('x'.repeat(15))).toBe('a token is at least 16 characters long');
    expect(tokenProblem(`${'x'.repeat(16)} y`)).toBe(
      'a token is visible ASCII only (no spaces or control characters)',
    );
    expect(tokenProblem(`${'x'.repeat(16)}é`)).toMatch(/visible ASCII/);
  });
});
