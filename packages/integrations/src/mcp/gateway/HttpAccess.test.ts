import { describe, expect, it } from 'vitest';
import { ownHosts } from './HttpAccess.js';

describe('ownHosts', () => {
  it.each([
    ['127.0.0.1', 3737, ['127.0.0.1:3737', 'localhost:3737', '[::1]:3737']],
    ['127.0.0.2', 3737, ['127.0.0.1:3737', 'localhost:3737', '[::1]:3737', '127.0.0.2:3737']],
    ['localhost', 9, ['127.0.0.1:9', 'localhost:9', '[::1]:9']],
    ['0.0.0.0', 3737, ['127.0.0.1:3737', 'localhost:3737', '[::1]:3737']],
    ['::', 3737, ['127.0.0.1:3737', 'localhost:3737', '[::1]:3737']],
    ['192.168.1.5', 3737, ['127.0.0.1:3737', 'localhost:3737', '[::1]:3737', '192.168.1.5:3737']],
    ['fe80::1', 1, ['127.0.0.1:1', 'localhost:1', '[::1]:1', '[fe80::1]:1']],
    [
      '127.0.0.1',
      80,
      ['127.0.0.1:80', '127.0.0.1', 'localhost:80', 'localhost', '[::1]:80', '[::1]'],
    ],
  ])('bound to %s:%i, answers to the Host values %j', (bound, port, hosts) => {
    expect(ownHosts(bound, port)).toEqual(hosts);
  });
});
