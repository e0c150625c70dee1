import { describe, expect, it } from 'vitest';
import { parseWorkflow } from '../definition/parseWorkflow.js';
import { isInvalidInputError } from '../runs/errors/InvalidInputError.js';
import { resolveInputs } from './resolveInputs.js';

const workflow = parseWorkflow(
  'inputs.workflow.yaml',
  `name: inputs
description: Inputs of every type.
inputs:
  strict: { type: boolean, default: false }
  count: { type: number }
  bump: { type: string, enum: [patch, minor, major], default: patch }
  level: { type: number, enum: [1, 2, 3] }
  note: { type: string, required: true }
stages:
  - id: one
    title: One
    persona: backend
    steps:
      - id: echo
        run: echo \${{ inputs.note }}
`,
);

const resolve = (given: Record<string, unknown>) =>
  resolveInputs(workflow, { note: 'n', ...given });

const refusal = (given: Record<string, unknown>): unknown => {
  try {
    resolve(given);
  } catch (error) {
    return error;
  }
  throw new Error('expected the inputs to be refused');
};

describe('resolveInputs', () => {
  it.each([
    [{ strict: 'true' }, { strict: true }],
    [{ strict: 'false' }, { strict: false }],
    [{ strict: true }, { strict: true }],
    [{}, { strict: false, bump: 'patch' }],
    [{ count: '3' }, { count: 3 }],
    [{ count: ' -2.5 ' }, { count: -2.5 }],
    [{ count: '1e3' }, { count: 1000 }],
    [{ count: 0 }, { count: 0 }],
    [{ level: '2' }, { level: 2 }],
    [{ bump: 'minor' }, { bump: 'minor' }],
    [{ note: '' }, { note: '' }],
  ])('accepts %j', (given, expected) => {
    expect(resolve(given)).toMatchObject(expected);
  });

  it.each([
    [{ strict: 'TRUE' }, 'input "strict" must be true or false, got "TRUE"'],
    [{ strict: 'True' }, 'input "strict" must be true or false, got "True"'],
    [{ strict: '1' }, 'input "strict" must be true or false, got "1"'],
    [{ strict: 'yes' }, 'input "strict" must be true or false, got "yes"'],
    [{ strict: 'nope' }, 'input "strict" must be true or false, got "nope"'],
    [{ strict: 1 }, 'input "strict" must be true or false, got 1'],
    [{ count: '' }, 'input "count" must be a number, got nothing'],
    [{ count: ' ' }, 'input "count" must be a number, got " "'],
    [{ count: 'abc' }, 'input "count" must be a number, got "abc"'],
    [{ count: '0x10' }, 'input "count" must be a number, got "0x10"'],
    [{ count: 'Infinity' }, 'input "count" must be a number, got "Infinity"'],
    [{ count: '1e999' }, 'input "count" must be a number, got "1e999"'],
    [{ count: Number.NaN }, 'input "count" must be a number, got NaN'],
    [{ count: true }, 'input "count" must be a number, got true'],
    [{ note: 42 }, 'input "note" must be a string, got 42'],
    [{ bump: 'huge' }, 'input "bump" must be one of patch, minor, major, got "huge"'],
    [{ level: '4' }, 'input "level" must be one of 1, 2, 3, got "4"'],
    [
      { colour: 'red' },
      'unknown input "colour"; the workflow declares strict, count, bump, level, note',
    ],
    [{ note: undefined }, 'input "note" is required: give it with --input note=<string>'],
  ])('refuses %j in one line naming the input', (given, message) => {
    const error = refusal(given);
    expect(isInvalidInputError(error)).toBe(true);
    expect((error as Error).message).toBe(message);
    expect((error as { code?: string }).code).toBe('TTA_INVALID_INPUT');
  });

  it('refuses at load a default or a choice that is not of the input type', () => {
    expect(() =>
      parseWorkflow(
        'w.yaml',
        `name: w
description: d
inputs:
  strict: { type: boolean, default: "yes" }
  level: { type: number, enum: [1, two] }
  bump: { type: string, enum: [patch, minor], default: major }
stages:
  - { id: s, title: S, persona: backend, steps: [{ id: a, run: echo }] }
`,
      ),
    ).toThrow(
      /w\.yaml:4:\d+ inputs\.strict\.default: wrong type: a boolean input takes boolean values, got string "yes"\n.*w\.yaml:5:\d+ inputs\.level\.enum\.1: wrong type: a number input takes number values, got string "two"\n.*inputs\.bump\.default: the default must be one of patch, minor/,
    );
  });
});
