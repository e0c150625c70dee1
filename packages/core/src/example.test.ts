import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The README points to this example of the primitives; run it against the built package, so
// that the example cannot drift from the API.
const example = fileURLToPath(new URL('../examples/release-pipeline.mjs', import.meta.url));
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, [example, ...args]).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe('examples/release-pipeline.mjs', () => {
  it('releases through retries, a passing gate, a saga with fallback and a router', async () => {
    const { code, stdout, stderr } = await run(['--json']);
    expect(stderr).toContain('· gate [coverage ≥ 80%]');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({
      pkg: '@acme/widgets',
      from: '1.4.2',
      version: '1.5.0',
      tag: 'v1.5.0',
      registry: 'mirror',
      notes: 'New features in v1.5.0',
      routes: ['minor'],
      checkpoints: ['version decided'],
    });
    expect(result.memory).toEqual([
      expect.objectContaining({ key: 'coverage', value: 86.4, tags: ['quality'] }),
    ]);
    expect(stderr.match(/· retry /g)).toHaveLength(2);
  });

  it('stops at the coverage gate with exit code 1', async () => {
    const { code, stdout, stderr } = await run(['--fail-coverage', '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      gate: 'coverage ≥ 80%',
      reason: 'line coverage 71.5% is below the 80% threshold',
      metrics: { coverage: 71.5, threshold: 80 },
    });
    expect(stderr).toContain('stopped at quality gate');
    expect(stderr).not.toContain('publish');
  });
});
