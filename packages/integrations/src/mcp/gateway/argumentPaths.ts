/** Argument names that conventionally hold file system paths. */
const PATH_KEY =
  /(^|_)(path|paths|file|files|filename|dir|directory|source|destination|target|root|cwd|uri)s?$/i;
/** Strings that look like paths whatever their key. */
const PATH_LIKE = /^(\/|\.\.?\/|~\/|[A-Za-z]:\\)/;

/**
 * Every string in a tool call's arguments that names a path: values of path-like keys (at any
 * depth, in lists too), and any string that starts like a path. `file://` URIs become paths.
 */
export function argumentPaths(
  args: unknown,
  key = '',
): { readonly argument: string; readonly path: string }[] {
  if (typeof args === 'string') {
    if (
      PATH_KEY.test(key.split('.').pop() ?? '') ||
      PATH_LIKE.test(args) ||
      args.startsWith('file://')
    ) {
      return [
        {
          argument: key,
          path: args.startsWith('file://') ? decodeURIComponent(new URL(args).pathname) : args,
        },
      ];
    }
    return [];
  }
  if (Array.isArray(args)) return args.flatMap((item) => argumentPaths(item, key));
  if (typeof args === 'object' && args !== null) {
    return Object.entries(args).flatMap(([k, v]) =>
      argumentPaths(v, key === '' ? k : `${key}.${k}`),
    );
  }
  return [];
}
