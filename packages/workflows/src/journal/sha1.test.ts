import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha1 } from './sha1.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('sha1', () => {
  it.each([
    ['', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    ],
  ])('gives the FIPS 180 test vector for %j', (text, digest) => {
    expect(hex(sha1(text))).toBe(digest);
  });

  it('agrees with node:crypto on texts of every length around the block boundaries, and on UTF-8', () => {
    for (let length = 0; length < 200; length++) {
      const text = randomBytes(length).toString('base64').slice(0, length);
      expect(hex(sha1(text)), `length ${length}`).toBe(
        createHash('sha1').update(text).digest('hex'),
      );
    }
    const unicode = 'Ünïcødé — 日本語 🚀 release notes';
    expect(hex(sha1(unicode))).toBe(createHash('sha1').update(unicode, 'utf8').digest('hex'));
  });
});
