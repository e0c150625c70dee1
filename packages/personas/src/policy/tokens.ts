// A subpath of its own (`@tta-dev/personas/tokens`): the tokenizer's tables take a while to load.
import { countTokens as count } from 'gpt-tokenizer/encoding/o200k_base';

/**
 * Tokens in `text` by the o200k_base encoding (GPT-4o and later), a fair stand-in for what any
 * current model spends on it.
 */
export function countTokens(text: string): number {
  // Text from tools may contain strings like "<|endoftext|>": count them as text, never throw.
  return count(text, NO_SPECIAL_TOKENS);
}

const NO_SPECIAL_TOKENS = { disallowedSpecial: new Set<string>() };

/** An MCP tool definition as `tools/list` returns it. */
export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema?: unknown;
}

/** Tokens that a list of tool definitions costs in a model's context (their JSON). */
export function countToolTokens(tools: readonly ToolDefinition[]): number {
  let total = 0;
  for (const tool of tools) total += countTokens(JSON.stringify(tool));
  return total;
}
