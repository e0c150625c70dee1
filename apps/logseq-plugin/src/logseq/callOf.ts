import { type LogseqCall, missingMethod } from '@tta-dev/integrations/logseq';

/**
 * Plugin API calls by name (`Editor.getPage`) through a `logseq`-shaped object: the SDK's, or a
 * test's host. A method the host lacks (the SDK throws "Not existed method #…") rejects as a
 * `LogseqError` of reason `method`, which the journal writer falls back from.
 */
export function callOf(logseq: object): LogseqCall {
  return async (method, ...args) => {
    const [namespace = '', name = ''] = method.split('.');
    const target = (logseq as Record<string, Record<string, unknown> | undefined>)[namespace];
    const fn = target?.[name];
    if (typeof fn !== 'function') throw missingMethod(method, undefined);
    try {
      return await (fn as (...args: unknown[]) => unknown).apply(target, args);
    } catch (error) {
      if (/Not existed method/i.test(error instanceof Error ? error.message : String(error)))
        throw missingMethod(method, error);
      throw error;
    }
  };
}
