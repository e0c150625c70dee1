import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isRunBlock, runBlockUuid, UUID_PATTERN } from './blockUuid.js';

describe('runBlockUuid', () => {
  it('is a version 8 RFC 9562 UUID, the same for the same run and key', () => {
    const uuid = runBlockUuid('package-release-20261125T101500-ab12', 'stage/verify');
    expect(uuid).toMatch(UUID_PATTERN);
    expect(uuid[14]).toBe('8');
    expect('89ab').toContain(uuid[19]);
    expect(runBlockUuid('package-release-20261125T101500-ab12', 'stage/verify')).toBe(uuid);
  });

  it('differs between keys and between runs', () => {
    const uuids = new Set<string>();
    for (const run of ['r1', 'r2', 'r3'])
      for (let i = 0; i < 300; i++) uuids.add(runBlockUuid(run, `block/${i}`));
    expect(uuids.size).toBe(900);
  });

  it('lets a writer tell the run’s blocks from others: same run prefix, other runs and random uuids not', () => {
    const mine = Array.from({ length: 50 }, (_, i) => runBlockUuid('run-a', `k${i}`));
    for (const uuid of mine) {
      expect(isRunBlock(uuid, 'run-a')).toBe(true);
      expect(isRunBlock(uuid.toUpperCase(), 'run-a')).toBe(true);
      expect(isRunBlock(uuid, 'run-b')).toBe(false);
    }
    for (let i = 0; i < 50; i++) expect(isRunBlock(randomUUID(), 'run-a')).toBe(false);
  });
});
