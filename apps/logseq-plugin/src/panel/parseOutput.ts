import type { JsonValue } from '@tta-dev/workflows';

/**
 * A step's output as a person types it in the panel: JSON when it is a JSON object or array
 * (`{"approved": true}`), the text otherwise (release notes in Markdown), nothing when empty.
 */
export function parseOutput(text: string): JsonValue | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^[[{]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed) as JsonValue;
    } catch {
      // Text that merely starts with a bracket.
    }
  }
  return text;
}
