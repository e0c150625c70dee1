import type { WorkflowDefinition } from './WorkflowSchema.js';

const label = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;

/** A Mermaid flowchart of the workflow: a subgraph per stage (with its persona), steps, gates. */
export function toMermaid(workflow: WorkflowDefinition): string {
  const lines = ['flowchart TD'];
  let previous: string | undefined;
  for (const stage of workflow.stages) {
    lines.push(`  subgraph ${stage.id}[${label(`${stage.title} · ${stage.persona}`)}]`);
    for (const step of stage.steps)
      lines.push(`    ${stage.id}__${step.id}[${label(`${step.name ?? step.id} (${step.kind})`)}]`);
    for (const gate of stage.gates)
      lines.push(`    ${stage.id}__gate__${gate.id}{${label(`gate: ${gate.name ?? gate.id}`)}}`);
    lines.push('  end');
    const nodes = [
      ...stage.steps.map((s) => `${stage.id}__${s.id}`),
      ...stage.gates.map((g) => `${stage.id}__gate__${g.id}`),
    ];
    for (const node of nodes) {
      if (previous !== undefined) lines.push(`  ${previous} --> ${node}`);
      previous = node;
    }
  }
  return lines.join('\n');
}
