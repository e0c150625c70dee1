import picomatch from 'picomatch';

const pathCache = new Map<string, (value: string) => boolean>();
const textCache = new Map<string, (value: string) => boolean>();

/**
 * Whether any of the globs matches `value` (dotfiles included); compiled globs are cached. By
 * default `value` is a path, so `*` stops at `/`; with `text`, `/` is an ordinary character (for
 * command lines such as `git push origin feature/x`).
 */
export function matchesAny(
  globs: readonly string[],
  value: string,
  options: { text?: boolean } = {},
): string | undefined {
  const cache = options.text === true ? textCache : pathCache;
  for (const glob of globs) {
    let test = cache.get(glob);
    if (test === undefined) {
      test = picomatch(glob, { dot: true, bash: options.text === true });
      cache.set(glob, test);
    }
    if (test(value)) return glob;
  }
  return undefined;
}
