import type { WorkflowDefinition } from '../definition/WorkflowSchema.js';
import { InvalidInputError } from '../runs/errors/InvalidInputError.js';

/**
 * The run's inputs: the given ones converted to their declared types, defaults for the rest.
 * Throws for a missing required input, a value of the wrong type or outside its enum, and an
 * input the workflow does not declare: an `InvalidInputError` naming the input.
 */
export function resolveInputs(
  workflow: WorkflowDefinition,
  given: Record<string, unknown>,
): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(workflow.inputs)) {
    const raw = given[name] ?? input.default;
    if (raw === undefined) {
      if (input.required)
        throw new InvalidInputError(
          name,
          `input "${name}" is required${input.description ? ` (${input.description})` : ''}`,
        );
      continue;
    }
    const value =
      input.type === 'number'
        ? Number(raw)
        : input.type === 'boolean'
          ? raw === true || raw === 'true'
          : String(raw);
    if (input.type === 'number' && Number.isNaN(value))
      throw new InvalidInputError(name, `input "${name}" must be a number, got "${raw}"`);
    if (input.enum !== undefined && !input.enum.includes(value as string | number)) {
      throw new InvalidInputError(
        name,
        `input "${name}" must be one of ${input.enum.join(', ')}, got "${raw}"`,
      );
    }
    resolved[name] = value;
  }
  for (const name of Object.keys(given))
    if (!(name in workflow.inputs))
      throw new InvalidInputError(
        name,
        `unknown input "${name}"; known: ${Object.keys(workflow.inputs).join(', ') || 'none'}`,
      );
  return resolved;
}
