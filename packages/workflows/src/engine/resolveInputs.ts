import type { WorkflowDefinition, WorkflowInput } from '../definition/WorkflowSchema.js';
import { InvalidInputError } from '../runs/errors/InvalidInputError.js';

/**
 * The run's inputs: the given ones checked and converted to their declared types, defaults for
 * the rest. Values come as text (`--input name=value`) or as JSON values (the run server):
 * a boolean is `true` or `false` (the words, lower-case, or JSON booleans; nothing else), a
 * number is a finite decimal number (not empty, not `0x10`, `1e999` or `NaN`), a string is
 * text. Throws `InvalidInputError` for an unknown input, a missing required one, and a value of
 * the wrong type or outside its `enum`.
 */
export function resolveInputs(
  workflow: WorkflowDefinition,
  given: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const declared = Object.keys(workflow.inputs);
  for (const name of Object.keys(given))
    if (!Object.hasOwn(workflow.inputs, name))
      throw new InvalidInputError(
        name,
        `unknown input "${name}"; ${declared.length > 0 ? `the workflow declares ${declared.join(', ')}` : 'the workflow declares no inputs'}`,
      );
  const resolved: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(workflow.inputs)) {
    const raw = given[name] ?? input.default;
    if (raw === undefined) {
      if (input.required)
        throw new InvalidInputError(
          name,
          `input "${name}" is required${input.description ? ` (${input.description})` : ''}: give it with --input ${name}=<${input.type}>`,
        );
      continue;
    }
    const value = convert(input, raw);
    if (value === undefined)
      throw new InvalidInputError(
        name,
        `input "${name}" must be ${expected(input)}, got ${shown(raw)}`,
      );
    if (input.enum !== undefined && !input.enum.includes(value as string | number))
      throw new InvalidInputError(
        name,
        `input "${name}" must be one of ${input.enum.join(', ')}, got ${shown(raw)}`,
      );
    resolved[name] = value;
  }
  return resolved;
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The value as the input's type, or undefined when it is not one. */
function convert(input: WorkflowInput, raw: unknown): string | number | boolean | undefined {
  switch (input.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case 'number': {
      const value =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && DECIMAL.test(raw.trim())
            ? Number(raw)
            : Number.NaN;
      return Number.isFinite(value) ? value : undefined;
    }
    case 'string':
      return typeof raw === 'string' ? raw : undefined;
  }
}

const expected = (input: WorkflowInput) =>
  input.type === 'boolean' ? 'true or false' : input.type === 'number' ? 'a number' : 'a string';

const shown = (raw: unknown) =>
  raw === '' ? 'nothing' : typeof raw === 'string' ? JSON.stringify(raw) : String(raw);
