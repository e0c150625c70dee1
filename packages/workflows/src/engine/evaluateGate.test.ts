import { describe, expect, it } from 'vitest';
import { GateSchema } from '../definition/WorkflowSchema.js';
import { evaluateGate } from './evaluateGate.js';

const context = {
  scope: {
    inputs: { threshold: 80 },
    steps: { coverage: { output: { stdout: 'Lines: 86.4%' } }, tests: { output: { exitCode: 0 } } },
  },
  cwd: process.cwd(),
  env: process.env,
};
const gate = (raw: unknown) => GateSchema.parse(raw);

describe('evaluateGate', () => {
  it.each([
    [{ id: 'g', command: 'true' }, true, /exited 0/],
    [
      { id: 'g', command: 'node -e "console.error(\'2 tests failed\'); process.exit(1)"' },
      false,
      /exited 1 \(expected 0\): 2 tests failed/,
    ],
    [{ id: 'g', command: 'exit 3', expectExitCode: 3 }, true, /exited 3/],
    [
      { id: 'g', value: '${{ steps.coverage.output.stdout }}', min: '${{ inputs.threshold }}' },
      true,
      /86\.4 is ≥ 80/,
    ],
    [
      { id: 'g', value: '${{ steps.coverage.output.stdout }}', min: 90 },
      false,
      /86\.4 is not ≥ 90/,
    ],
    [
      { id: 'g', value: '${{ steps.coverage.output.stdout }}', min: 50, max: 85 },
      false,
      /86\.4 is not ≥ 50 and ≤ 85/,
    ],
    [{ id: 'g', value: '${{ steps.missing.output }}', min: 1 }, false, /is not a number/],
    [{ id: 'g', expression: '${{ steps.tests.output.exitCode == 0 }}' }, true, /is true/],
    [{ id: 'g', expression: '${{ inputs.threshold > 90 }}' }, false, /is false/],
    [
      { id: 'g', when: '${{ inputs.threshold > 90 }}', command: 'false' },
      true,
      /not checked: .* is false/,
    ],
  ])('%j → %s', async (raw, passed, reason) => {
    const result = await evaluateGate(gate(raw), context);
    expect(result.passed).toBe(passed);
    expect(result.reason).toMatch(reason);
  });

  it('reports what it measured', async () => {
    const result = await evaluateGate(
      gate({ id: 'g', value: '${{ steps.coverage.output.stdout }}', min: 80 }),
      context,
    );
    expect(result.metrics).toEqual({ value: 86.4, min: 80 });
  });
});
