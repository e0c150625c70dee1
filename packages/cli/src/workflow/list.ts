import type { PersonaRegistry } from '@tta-dev/personas/registry';
import {
  builtinTemplateSummaries,
  discoverWorkflows,
  type TemplateSummary,
  type WorkflowFileRef,
} from '@tta-dev/workflows/discover';
import { parse } from '../args.js';
import { colors, type Io, printJson, println } from '../Io.js';
import { loadRegistry } from '../persona/_registry.js';
import { table } from '../table.js';

export const listHelp = `Usage: tta workflow list [--json]

Lists the workflows: the built-in templates and the project's .tta/workflows/*.workflow.yaml
(which replace built-ins of the same name), with their stages and personas.

Options:
  --json   print the list as JSON
  -h, --help`;

export async function list(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parse('tta workflow list', argv, { json: { type: 'boolean' } });
  if (values.help) {
    println(io, listHelp);
    return 0;
  }
  const registry = await loadRegistry(io);
  const summaries = builtinTemplateSummaries();
  const rows = await Promise.all(
    (await discoverWorkflows(io.cwd)).map(
      (ref) => summarised(ref, summaries.get(ref.file), registry) ?? loaded(ref, registry),
    ),
  );
  if (values.json) {
    printJson(io, rows);
    return 0;
  }
  const c = colors(io);
  println(
    io,
    table(
      ['WORKFLOW', 'STAGES (PERSONA)', 'SOURCE'],
      rows.map((r) => [
        r.valid ? r.name : c.red(r.name),
        r.valid ? r.stages.map((s) => `${s.id} (${s.persona})`).join(' → ') : r.description,
        r.source === 'builtin' ? 'built-in' : r.file,
      ]),
    ),
  );
  return rows.every((r) => r.valid) ? 0 : 2;
}

type Row = WorkflowFileRef & {
  valid: boolean;
  description: string;
  stages: { id: string; persona: string }[];
};

/**
 * A built-in template's row from the summary the build validated, when every stage's persona is
 * still known here: no zod, YAML parser or step kinds to load.
 */
function summarised(
  ref: WorkflowFileRef,
  summary: TemplateSummary | undefined,
  registry: PersonaRegistry,
): Row | undefined {
  if (ref.source !== 'builtin' || summary === undefined) return undefined;
  if (!summary.stages.every((s) => registry.resolve(s.persona) !== undefined)) return undefined;
  return {
    ...ref,
    valid: true,
    description: summary.description,
    stages: summary.stages.map((s) => ({ id: s.id, persona: s.persona })),
  };
}

/**
 * A row from reading and validating the file: the project's workflows, every time. Against the
 * standard step kinds' fields, which are what the integrations' kinds (`stepKindsOf`) add their
 * runs to: listing needs no runs, so it loads no integration.
 */
async function loaded(ref: WorkflowFileRef, registry: PersonaRegistry): Promise<Row> {
  const { isWorkflowFileError, loadWorkflowFile } = await import('@tta-dev/workflows');
  try {
    const wf = await loadWorkflowFile(ref.file, { registry });
    return {
      ...ref,
      valid: true,
      description: wf.description,
      stages: wf.stages.map((s) => ({ id: s.id, persona: s.persona })),
    };
  } catch (error) {
    if (!isWorkflowFileError(error)) throw error;
    return {
      ...ref,
      valid: false,
      description: `invalid: ${error.issues.length} problem(s); run tta workflow validate`,
      stages: [],
    };
  }
}
