import picomatch from 'picomatch';

const cache = new Map<string, (value: string) => boolean>();

/** Whether any of the globs matches `value` (dotfiles included); compiled globs are cached. */
export function matchesAny(globs: readonly string[], value: string): string | undefined {
  for (const glob of globs) {
    let test = cache.get(glob);
    if (test === undefined) {
      test = picomatch(glob, { dot: true });
      cache.set(glob, test);
    }
    if (test(value)) return glob;
  }
  return undefined;
}
