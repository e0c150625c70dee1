import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';

/** Links followed before giving up, as Linux's own limit (ELOOP). */
const MAX_LINKS = 40;

/**
 * Where the absolute `path` leads once links are followed, as the kernel resolves it when a
 * server opens or creates it: the real path of its longest existing prefix with the rest
 * appended. A dangling link is followed to where it points, so that a file created through it is
 * seen where it would land; a `..` after a link goes up from where the link led (pass the path
 * unnormalised to get that). Synchronous: an existing path costs an `lstat` and a `realpath`.
 */
export function realPathOf(path: string, links = 0): string {
  // lstat answers "missing" without throwing; a thrown error costs more than both syscalls.
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isSymbolicLink()) {
    try {
      return realpathSync.native(path);
    } catch {
      return path; // unreadable on the way: taken as written
    }
  }
  if (stat !== undefined && links < MAX_LINKS) {
    // A link, dangling or not: where it points from its real folder. Joined, not resolved: a
    // `..` after a link in the target is the kernel's to resolve (physically), not ours.
    const parent = realPathOf(dirname(path), links);
    const target = readlinkSync(path);
    return realPathOf(isAbsolute(target) ? target : `${parent}/${target}`, links + 1);
  }
  const parent = dirname(path);
  if (parent === path) return path;
  return resolve(realPathOf(parent, links), basename(path));
}
