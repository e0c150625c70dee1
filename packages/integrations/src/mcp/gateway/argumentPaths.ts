/**
 * Words that make an argument's key a path key, whatever its case style: `path`, `filePath`,
 * `file_name`, `targetDir`, `source-folder`, `ROOT_URI`…
 */
const PATH_WORDS = new Set([
  'path',
  'paths',
  'pathname',
  'file',
  'files',
  'filename',
  'filenames',
  'filepath',
  'dir',
  'dirs',
  'dirname',
  'directory',
  'directories',
  'folder',
  'folders',
  'source',
  'sources',
  'src',
  'destination',
  'dest',
  'target',
  'root',
  'roots',
  'cwd',
  'uri',
  'uris',
  'location',
  'workspace',
]);

/** Strings that look like paths whatever their key: `/x`, `./x`, `../x`, `~`, `~/x`, `C:\x`, `.env`. */
const PATH_LIKE = /^(\/|\.\.?([/\\]|$)|~([/\\]|$)|[A-Za-z]:[\\/]|\\\\|\.[^\s/\\.])/;
/** A relative path with a folder in it and no spaces (`secrets/key`, `.ssh\id_rsa`). */
const RELATIVE_PATH = /^[^\s:]+[/\\][^\s]*$/;

/** The words of a key: `filePath` → file, path; `target_dir` → target, dir. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

export function isPathKey(key: string): boolean {
  return keyWords(key).some((word) => PATH_WORDS.has(word));
}

/** Whether a string would be taken for a path under any key. */
export function looksLikePath(value: string): boolean {
  return PATH_LIKE.test(value) || RELATIVE_PATH.test(value) || /^file:/i.test(value);
}

/** A `file:` URI's path, percent-decoded; the string itself when it is not one. */
function pathOf(value: string): string {
  if (!/^file:/i.test(value)) return value;
  try {
    return decodeURIComponent(new URL(value).pathname);
  } catch {
    return value; // not a valid URL: checked as written
  }
}

export interface ArgumentPath {
  /** Dotted key of the argument (`edits.0.path`), or the key itself when a key looks like a path. */
  readonly argument: string;
  readonly path: string;
}

/**
 * Every string in a tool call's arguments that may name a path: values of path keys (in any case
 * style, at any depth, in lists too), any string that looks like a path, and object keys that do.
 * `file:` URIs become their decoded paths. Over-reporting costs only a check; missing one lets a
 * restricted file through, so the net is wide.
 */
export function argumentPaths(args: unknown, key = '', pathKey = false): ArgumentPath[] {
  if (typeof args === 'string')
    return pathKey || looksLikePath(args) ? [{ argument: key, path: pathOf(args) }] : [];
  if (Array.isArray(args))
    return args.flatMap((item, i) => argumentPaths(item, `${key}.${i}`, pathKey));
  if (typeof args === 'object' && args !== null) {
    return Object.entries(args).flatMap(([k, v]) => {
      const at = key === '' ? k : `${key}.${k}`;
      const own = looksLikePath(k) ? [{ argument: at, path: pathOf(k) }] : [];
      return [...own, ...argumentPaths(v, at, isPathKey(k))];
    });
  }
  return [];
}
