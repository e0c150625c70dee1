import { resolve } from 'node:path';
import {
  discoverWorkflows,
  isWorkflowFileError,
  loadWorkflowFile,
  type WorkflowFileIssue,
} from '@tta-dev/workflows';
import { parse } from '../args.js';
import { colors, eprintln, type Io, printJson, println } from '../Io.js';
import { loadRegistry } from '../persona/_registry.js';
import { stepKindsOf } from './_workflows.js';

export const validateHelp = `Usage: tta workflow validate [files...] [--json]

Checks workflow files: YAML, the schema, every \${{ }} expression, and that every stage's
persona exists. Without files, checks the built-ins and the project's .tta/workflows/.
Exits 2 when any is invalid, naming the file, line and field of each problem.

Options:
  --json   print one result per file as JSON
  -h, --help`;

export async function validate(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow validate', argv, {
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, validateHelp);
    return 0;
  }
  const registry = await loadRegistry(io);
  const files =
    positionals.length > 0
      ? positionals.map((f) => resolve(io.cwd, f))
      : (await discoverWorkflows(io.cwd)).map((r) => r.file);
  const results: {
    file: string;
    valid: boolean;
    workflow?: string;
    issues?: readonly WorkflowFileIssue[];
  }[] = [];
  for (const file of files) {
    try {
      results.push({
        file,
        valid: true,
        workflow: (await loadWorkflowFile(file, { registry, kinds: stepKindsOf(io) })).name,
      });
    } catch (error) {
      if (!isWorkflowFileError(error)) throw error;
      results.push({ file, valid: false, issues: error.issues });
    }
  }
  if (values.json) printJson(io, results);
  else {
    const c = colors(io);
    const e = colors(io, io.stderr);
    for (const r of results) {
      if (r.valid) println(io, `${c.green('✓')} ${r.file} ${c.dim(`(${r.workflow})`)}`);
      else {
        eprintln(io, `${e.red('✗')} ${r.file}`);
        for (const i of r.issues ?? [])
          eprintln(
            io,
            `  ${r.file}${i.line === undefined ? '' : `:${i.line}:${i.column ?? 1}`} ${e.bold(i.path || '(document)')}: ${i.message}`,
          );
      }
    }
  }
  return results.every((r) => r.valid) ? 0 : 2;
}
