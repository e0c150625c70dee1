import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A tool result of one text block: a string as it is, anything else as indented JSON. */
export const textResult = (value: unknown, isError = false): CallToolResult => ({
  content: [
    { type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) },
  ],
  ...(isError ? { isError: true } : {}),
});
