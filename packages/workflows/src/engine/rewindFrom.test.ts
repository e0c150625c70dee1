import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '../definition/WorkflowSchema.js';
import { rewindFrom } from './rewindFrom.js';

const workflow = {
  name: 'w',
  stages: [
    {
      id: 'a',
      steps: [{ id: 'a1' }, { id: 'a2' }],
      gates: [{ id: 'ga', expression: '${{ steps.a2.output.exitCode == 0 }}' }],
    },
    {
      id: 'b',
      steps: [{ id: 'b1' }, { id: 'b-2' }, { id: 'b3' }],
      gates: [
        { id: 'gb', value: '${{ steps.b-2.output.stdout }}', min: 1 },
        { id: 'always', expression: '${{ true }}' },
      ],
    },
  ],
} as unknown as WorkflowDefinition;

describe('rewindFrom', () => {
  it.each([
    ['a', ['a', 'b'], ['a1', 'a2', 'b1', 'b-2', 'b3']],
    ['a2', ['a', 'b'], ['a2', 'b1', 'b-2', 'b3']],
    ['ga', ['a', 'b'], ['a2', 'b1', 'b-2', 'b3']],
    ['gb', ['b'], ['b-2', 'b3']],
    ['always', ['b'], []],
  ])('from %s', (from, stages, steps) => {
    expect(rewindFrom(workflow, from)).toEqual({ from, stages, steps });
  });

  it('names the stages when it knows no such point', () => {
    expect(() => rewindFrom(workflow, 'zz')).toThrow(
      'w has no stage, step or gate "zz"; its stages: a, b',
    );
  });
});
