import { dirname, join, resolve } from 'node:path';
import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { SYSTEM_ERROR_HINTS } from '../exitCodes.js';
import {
  DEFAULT_GATEWAY_NAME,
  EXPORT_TARGETS,
  type ExportTarget,
  exportPersona,
} from '../export/exportTargets.js';
import { colors, type Io, printJson, println } from '../Io.js';
import { makeFolders } from '../makeFolders.js';
import { loadRegistry, resolveOrFail } from './_registry.js';

type WriteFileAtomic = typeof import('write-file-atomic');

export const exportHelp = `Usage: tta-persona export --target copilot|claude|cursor [--out dir] [--gateway N | --direct] [names...] [--json]

Writes personas in an assistant's own format:
  copilot   .github/agents/<name>.agent.md   (VS Code / GitHub Copilot custom agents)
  claude    .claude/agents/<name>.md         (Claude Code subagents)
  cursor    .cursor/rules/<name>.mdc         (Cursor project rules)

Without names, every persona is exported. Files are replaced atomically.

Options:
  --target T   one of copilot, claude, cursor (required)
  --out DIR    folder to write under (default: the current folder)
  --gateway N  claude, copilot: name the tools as seen through the gateway entry N (default:
               tta, as "tta mcp install" names it): mcp__tta__github__create_pull_request,
               tta/github__create_pull_request
  --direct     claude, copilot: name the tools of servers configured in the assistant itself:
               mcp__github__create_pull_request, github/create_pull_request
  --json       print the written files as JSON
  -h, --help`;

export async function exportCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta-persona export', argv, {
    target: { type: 'string', short: 't' },
    out: { type: 'string', short: 'o' },
    gateway: { type: 'string' },
    direct: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, exportHelp);
    return 0;
  }
  const target = values.target as ExportTarget | undefined;
  if (target === undefined || !EXPORT_TARGETS.includes(target)) {
    throw usageError(
      `tta-persona export: --target must be one of ${EXPORT_TARGETS.join(', ')}${values.target === undefined ? '' : `, got "${values.target}"`}`,
    );
  }
  if (values.direct && values.gateway !== undefined)
    throw usageError('tta-persona export: give --gateway or --direct, not both');
  const gateway = values.direct ? undefined : (values.gateway ?? DEFAULT_GATEWAY_NAME);
  if (gateway !== undefined && !/^[A-Za-z0-9_-]+$/.test(gateway))
    throw usageError(
      `tta-persona export: --gateway "${gateway}" may contain only letters, digits, "_" and "-" (the name "tta mcp install --name" gave the entry)`,
    );
  const registry = await loadRegistry(io);
  const personas =
    positionals.length > 0 ? positionals.map((q) => resolveOrFail(registry, q)) : registry.list();
  const out = resolve(io.cwd, values.out ?? '.');
  const writeFileAtomic = (
    (await import('write-file-atomic')) as unknown as { default: WriteFileAtomic }
  ).default;
  const files = personas.map(({ persona }) => {
    const file = exportPersona(persona, target, { gateway });
    return { path: join(out, file.path), content: file.content };
  });
  // Every folder first: a folder that cannot be made leaves nothing half-written.
  for (const folder of new Set(files.map((f) => dirname(f.path))))
    await makeFolders(folder).catch((error: NodeJS.ErrnoException) => {
      throw usageError(
        `tta-persona export: cannot make ${folder} under --out ${out}: ${whyNot(error)}`,
      );
    });
  const written: string[] = [];
  for (const { path, content } of files) {
    await writeFileAtomic(path, content);
    written.push(path);
  }
  if (values.json) printJson(io, { target, files: written });
  else {
    const c = colors(io);
    for (const path of written) println(io, `${c.green('✓')} ${path}`);
  }
  return 0;
}

/** Why a folder could not be made, in words, with the system's code. */
function whyNot(error: NodeJS.ErrnoException): string {
  const reason =
    error.code === 'ENOTDIR'
      ? `${error.path} is a file, not a folder`
      : error.code === 'ENOENT' // where the parent exists: /proc says so
        ? 'this file system does not allow folders there'
        : (SYSTEM_ERROR_HINTS[error.code ?? ''] ?? error.message);
  return `${reason} (${error.code ?? 'error'}); choose another --out`;
}
