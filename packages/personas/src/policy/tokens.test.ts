import { describe, expect, it } from 'vitest';
import { countTokens, countToolTokens, type ToolDefinition } from './tokens.js';

// Figures from gpt-tokenizer's o200k_base encoding (its default export, as its README and
// esm/main.js say). The non-Latin strings tell encodings apart: cl100k_base gives 4 and 13.
describe('countTokens', () => {
  it.each([
    ['', 0],
    ['hello world', 2],
    ['Hello, world!', 4],
    ['The quick brown fox jumps over the lazy dog.', 10],
    ['こんにちは世界', 2],
    ['नमस्ते दुनिया', 5],
    ['Persona: tta-backend-engineer', 8],
  ])('counts %j as %i o200k tokens', (text, tokens) => {
    expect(countTokens(text)).toBe(tokens);
  });

  it.each([
    ['<|endoftext|>', 7],
    ['a <|endoftext|> b', 9],
    ['<|im_start|>system', 7],
  ])('counts special-token text %j as plain text (%i tokens) rather than throwing', (text, n) => {
    expect(countTokens(text)).toBe(n);
  });
});

describe('countToolTokens', () => {
  const readFile: ToolDefinition = { name: 'read_file', description: 'Read a file' };
  const search: ToolDefinition = {
    name: 'search_code',
    description: 'Search code across repositories',
    inputSchema: {
      type: 'object',
      properties: { query: { type: 'string' } },
      required: ['query'],
    },
  };

  it('counts the JSON of each tool and sums them', () => {
    expect(countToolTokens([])).toBe(0);
    expect(countToolTokens([readFile])).toBe(12);
    expect(countToolTokens([readFile])).toBe(countTokens(JSON.stringify(readFile)));
    expect(countToolTokens([readFile, search])).toBe(
      countTokens(JSON.stringify(readFile)) + countTokens(JSON.stringify(search)),
    );
  });

  it('counts the input schema, not just the name', () => {
    const bare = { name: search.name, description: search.description };
    expect(countToolTokens([search])).toBeGreaterThan(countToolTokens([bare]) + 10);
  });
});
