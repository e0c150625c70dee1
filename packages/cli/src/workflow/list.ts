import { discoverWorkflows, isWorkflowFileError, loadWorkflowFile } from '@tta-dev/workflows';
import { parse } from '../args.js';
import { colors, type Io, printJson, println } from '../Io.js';
import { loadRegistry } from '../persona/_registry.js';
import { table } from '../table.js';
import { stepKindsOf } from './_workflows.js';

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
  const rows = await Promise.all(
    (await discoverWorkflows(io.cwd)).map(async (ref) => {
      try {
        const wf = await loadWorkflowFile(ref.file, { registry, kinds: stepKindsOf(io) });
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
    }),
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
