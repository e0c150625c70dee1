import { toMermaid } from '@tta-dev/workflows';
import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { colors, type Io, printJson, println } from '../Io.js';
import { loadRegistry } from '../persona/_registry.js';
import { loadNamedWorkflow } from './_workflows.js';

export const showHelp = `Usage: tta workflow show <name|file> [--mermaid] [--json]

Prints the plan of a workflow: its inputs, and per stage the persona, steps and quality gates.

Options:
  --mermaid   print a Mermaid flowchart instead
  --json      print the parsed workflow as JSON
  -h, --help`;

export async function show(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow show', argv, {
    mermaid: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, showHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw usageError(`tta workflow show: expected one workflow name\n\n${showHelp}`);
  const registry = await loadRegistry(io);
  const { ref, workflow } = await loadNamedWorkflow(io, positionals[0]!, registry);
  if (values.json) {
    printJson(io, { ...workflow, file: ref.file, source: ref.source });
    return 0;
  }
  if (values.mermaid) {
    println(io, toMermaid(workflow));
    return 0;
  }
  const c = colors(io);
  const lines = [
    `${c.bold(workflow.name)} ${c.dim(`(${ref.source === 'builtin' ? 'built-in' : ref.file})`)}`,
    workflow.description,
    '',
  ];
  const inputs = Object.entries(workflow.inputs);
  if (inputs.length > 0) {
    lines.push(c.bold('Inputs'));
    for (const [name, input] of inputs) {
      lines.push(
        `  ${name} (${input.type}${input.default === undefined ? '' : `, default ${JSON.stringify(input.default)}`})${input.description ? ` — ${input.description}` : ''}`,
      );
    }
    lines.push('');
  }
  workflow.stages.forEach((stage, i) => {
    const persona = registry.resolve(stage.persona)?.persona;
    lines.push(
      `${c.bold(`${i + 1}. ${stage.title}`)} ${c.dim(`[${stage.id}]`)} — ${persona ? `${persona.icon} ${persona.displayName}` : stage.persona}`,
    );
    for (const step of stage.steps)
      lines.push(
        `   · ${step.name ?? step.id} ${c.dim(`(${step.kind}${step.when ? `, when ${step.when}` : ''})`)}`,
      );
    for (const gate of stage.gates) lines.push(`   ${c.cyan('◆')} gate: ${gate.name ?? gate.id}`);
  });
  println(io, lines.join('\n'));
  return 0;
}
