import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { expandHome } from '@tta-dev/personas';
import type { McpServerConfig } from '../config/McpServersConfig.js';

/**
 * The folders a server may resolve a relative path against: its working folder, and every
 * argument it was started with that names an existing folder (server-filesystem resolves against its first
 * allowed directory, others against their `cwd` or a `--root`). Which one a server picks cannot
 * be known from outside, so the gateway checks a relative path against each of them. For a
 * remote server the base is unknowable: the project and the home folder stand in.
 */
export function serverBases(
  config: McpServerConfig | undefined,
  context: { readonly project: string; readonly home: string },
): string[] {
  if (config === undefined || config.transport !== 'stdio') return [context.project, context.home];
  const cwd = resolve(context.project, config.cwd ?? '.');
  const folders = config.args
    .map((arg) => arg.replace(/^--?[A-Za-z][\w-]*=/, '')) // --root=/srv/x
    .map((arg) => expandHome(arg, context.home))
    .filter((arg) => arg !== '')
    .map((arg) => resolve(cwd, arg))
    .filter(isFolder);
  return [...new Set([cwd, ...folders, context.project])];
}

/**
 * Whether `path` is a folder: one `stat`, with no exception built for a missing path (it runs
 * at every call that names a path); other errors (not a folder on the way, no access) say no.
 */
export function isFolder(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
}
