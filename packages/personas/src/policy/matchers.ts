import picomatch from 'picomatch';

const caches = new Map<string, Map<string, (value: string) => boolean>>();

/**
 * Whether any of the globs matches `value` (dotfiles included); compiled globs are cached. By
 * default `value` is a path, so `*` stops at `/`; with `text`, `/` is an ordinary character (for
 * command lines such as `git push origin feature/x`). With `nocase`, letter case is ignored.
 */
export function matchesAny(
  globs: readonly string[],
  value: string,
  options: { text?: boolean; nocase?: boolean } = {},
): string | undefined {
  const text = options.text === true;
  const nocase = options.nocase === true;
  const key = `${text ? 't' : 'p'}${nocase ? 'i' : ''}`;
  const cache = caches.get(key) ?? new Map<string, (value: string) => boolean>();
  caches.set(key, cache);
  for (const glob of globs) {
    let test = cache.get(glob);
    if (test === undefined) {
      test = picomatch(glob, { dot: true, bash: text, nocase });
      cache.set(glob, test);
    }
    if (test(value)) return glob;
  }
  return undefined;
}
