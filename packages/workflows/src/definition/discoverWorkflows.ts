import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BUILTIN_TEMPLATES_DIR } from './builtinTemplatesDir.js';

export const WORKFLOW_FILE_SUFFIX = '.workflow.yaml';

/** A workflow file found on disk: its name (from the file name), where it is and where from. */
export interface WorkflowFileRef {
  readonly name: string;
  readonly file: string;
  readonly source: 'builtin' | 'project';
}

/**
 * Workflow files: the built-in templates, then the project's `.tta/workflows/` (in `cwd` or the
 * nearest folder above it that has one); a project file replaces a built-in of the same name.
 */
export async function discoverWorkflows(cwd: string): Promise<WorkflowFileRef[]> {
  const byName = new Map<string, WorkflowFileRef>();
  for (const file of await workflowFiles(BUILTIN_TEMPLATES_DIR))
    byName.set(nameOf(file), { name: nameOf(file), file, source: 'builtin' });
  const project = findProjectWorkflows(cwd);
  if (project !== undefined) {
    for (const file of await workflowFiles(project))
      byName.set(nameOf(file), { name: nameOf(file), file, source: 'project' });
  }
  return [...byName.values()].sort((a, b) => compareNames(a.name, b.name));
}

/** `.tta/workflows/` in `cwd` or the nearest folder above it that has one. */
export function findProjectWorkflows(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, '.tta', 'workflows');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** What marks a project's folder, when no `.tta/workflows/` is found above. */
const PROJECT_MARKERS = ['.tta', 'package.json', 'pyproject.toml', '.git'];

/**
 * The project a command typed in `cwd` works on: the folder whose `.tta/workflows/` the
 * workflows are found in, else the nearest folder (`cwd` or above) with `.tta/`, a
 * `package.json`, a `pyproject.toml` or `.git`, else `cwd`. Runs are stored there, and run there.
 */
export function findProjectRoot(cwd: string): string {
  const workflows = findProjectWorkflows(cwd);
  if (workflows !== undefined) return dirname(dirname(workflows));
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (PROJECT_MARKERS.some((marker) => existsSync(join(dir, marker)))) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}

const nameOf = (file: string) => basename(file, WORKFLOW_FILE_SUFFIX);

/**
 * Case-insensitive, then by code unit: localeCompare's order for the names files have (letters,
 * digits, dashes), without loading ICU's collator at start-up (`tta workflow list`).
 */
function compareNames(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

async function workflowFiles(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder))
      .filter((n) => n.endsWith(WORKFLOW_FILE_SUFFIX))
      .sort()
      .map((n) => join(folder, n));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
