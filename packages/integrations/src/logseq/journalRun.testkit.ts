import { PersonaRegistry } from '@tta-dev/personas';
import { InMemoryRunStore, parseWorkflow, type RunEvent, WorkflowEngine } from '@tta-dev/workflows';

/** A small release workflow with every kind of journal content: steps, a gate, an agent step, decisions, learnings and a page. */
const WORKFLOW = `name: mini-release
description: A small release.
inputs:
  threshold: { type: number, default: 80 }
stages:
  - id: prepare
    title: Prepare
    persona: backend
    steps:
      - id: version
        run: echo 1.2.3
      - id: decide
        journal:
          decision: "Release v\${{ steps.version.output.stdout }}: a minor"
  - id: verify
    title: Verify
    persona: testing
    steps:
      - id: coverage
        run: echo 86.4
    gates:
      - id: coverage-ok
        value: "\${{ steps.coverage.output.stdout }}"
        min: "\${{ inputs.threshold }}"
  - id: ship
    title: Ship
    persona: devops
    steps:
      - id: notes
        agent: Write the notes for v\${{ steps.version.output.stdout }}.
      - id: notes-page
        journal:
          page:
            title: Release notes v\${{ steps.version.output.stdout }}
            content: "\${{ steps.notes.output }}"
      - id: learnt
        journal:
          learning: "Coverage was \${{ steps.coverage.output.stdout }}%"
`;

export const RELEASE_NOTES = [
  '## Added',
  '- Faster builds, see [[Build cache]]',
  '- [ ] Announce it #announce',
  '',
  '## Notes',
  'A line that looks like a property:: but is not',
  '```sh',
  '- not a block',
  '# not a heading',
  '```',
].join('\n');

/** Drives the workflow for real (commands run, gates checked) on an in-memory run store. */
export async function journalRun(cwd: string, runId = 'run-1') {
  const registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
  const store = new InMemoryRunStore();
  const engine = new WorkflowEngine({ store, registry, cwd, env: process.env });
  const workflow = parseWorkflow('mini.workflow.yaml', WORKFLOW, { registry });
  return {
    store,
    /** Starts the run (threshold 99 stops it at the gate); resolves with the events so far. */
    start: async (inputs: Record<string, unknown> = {}): Promise<readonly RunEvent[]> =>
      (await engine.start(workflow, inputs, runId)).events,
    /** Completes the waiting notes step and resumes to the end. */
    finish: async (notes = RELEASE_NOTES): Promise<readonly RunEvent[]> => {
      await engine.complete(runId, 'notes', notes, { by: 'alice' });
      return (await engine.resume(runId, workflow)).events;
    },
  };
}
