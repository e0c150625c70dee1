/**
 * Tokens of text a model reads (o200k, as the gateway counts), or undefined for no text. The
 * tokenizer's tables take a while to load, so they are loaded on the first text only.
 */
export async function countTokensOf(text: string): Promise<number | undefined> {
  if (text.trim() === '') return undefined;
  const { countTokens } = await import('@tta-dev/personas/tokens');
  return countTokens(text);
}
