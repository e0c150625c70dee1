import { matchesAny } from '../policy/matchers.js';
import { PUBLISHED_TOOLS } from './publishedTools.js';

/**
 * The published tool names of `server` that `globs` match, in published order; `undefined` when
 * the server's tools are not known (a server of the user's own, say).
 */
export function expandToolGlobs(
  server: string,
  globs: readonly string[],
  catalog: Readonly<Record<string, readonly string[]>> = PUBLISHED_TOOLS,
): string[] | undefined {
  const known = catalog[server];
  if (known === undefined) return undefined;
  return known.filter((tool) => matchesAny(globs, tool) !== undefined);
}
