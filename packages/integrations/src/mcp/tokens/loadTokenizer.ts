/** The token counting functions of `@tta-dev/personas/tokens` (o200k_base). */
export type Tokenizer = typeof import('@tta-dev/personas/tokens');

let loading: Promise<Tokenizer> | undefined;

/**
 * The tokenizer, imported at the first call: its tables cost about 65 MiB and a second of start-up,
 * which a process that never counts (or has not yet) should not pay.
 */
export function loadTokenizer(): Promise<Tokenizer> {
  loading ??= import('@tta-dev/personas/tokens').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
