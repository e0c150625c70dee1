import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/** Links followed before giving up, as Linux's own limit (ELOOP). */
const MAX_LINKS = 40;

/**
 * Where the absolute `path` leads once links are followed, as the file system resolves it when a
 * server opens or creates it: the real path of its longest existing prefix with the rest
 * appended. A dangling link is followed to where it points, so that a file created through it is
 * seen where it would land. Synchronous: an existing path costs one `realpath` call.
 */
export function realPathOf(path: string, links = 0): string {
  try {
    return realpathSync.native(path);
  } catch {
    // Missing (or a dangling link, or a loop): resolve the parent and look at this name.
  }
  const parent = dirname(path);
  if (parent === path) return path;
  const here = resolve(realPathOf(parent, links), basename(path));
  if (links < MAX_LINKS) {
    try {
      if (lstatSync(here).isSymbolicLink())
        return realPathOf(resolve(dirname(here), readlinkSync(here)), links + 1);
    } catch {
      // Nothing there: the rest of the path is taken as written.
    }
  }
  return here;
}
