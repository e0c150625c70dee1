import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { PersonaRegistry } from '@tta-dev/personas';
import { type RunEvent, type RunStore, runStatus, WorkflowEngine } from '@tta-dev/workflows';

// The tools' definitions are in workflowToolList.ts: the gateway lists them at start and loads
// this module (and @tta-dev/workflows with it) at the first call.

export interface WorkflowToolContext {
  readonly runs: RunStore;
  readonly registry: PersonaRegistry;
  readonly cwd: string;
  /** The active persona, who completes steps and records notes. */
  readonly persona: string | undefined;
  /** Tokens the gateway counted for the active persona, recorded with a completed step. */
  readonly tokens: () => Promise<number>;
}

const json = (value: unknown): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
});
const refuse = (message: string): CallToolResult => ({
  content: [{ type: 'text', text: message }],
  isError: true,
});
const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

export async function callWorkflowTool(
  name: string,
  args: Record<string, unknown>,
  context: WorkflowToolContext,
): Promise<CallToolResult> {
  const by = context.persona ?? 'assistant';
  switch (name) {
    case 'workflow_runs': {
      const run = str(args.run);
      if (run !== undefined) {
        const events = await context.runs.read(run);
        if (events.length === 0) return refuse(`no run "${run}" in ${context.cwd}`);
        return json({ ...describeRun(events), outputs: outputsOf(events) });
      }
      const runs = await context.runs.list();
      return json(
        await Promise.all(runs.map(async (r) => describeRun(await context.runs.read(r.runId)))),
      );
    }
    case 'workflow_complete_step': {
      const run = str(args.run);
      const step = str(args.step);
      if (run === undefined || step === undefined || !('output' in args))
        return refuse('workflow_complete_step needs "run", "step" and "output"');
      const engine = new WorkflowEngine({
        store: context.runs,
        registry: context.registry,
        cwd: context.cwd,
      });
      const note = str(args.note);
      await engine.complete(run, step, args.output, {
        by,
        tokens: await context.tokens(),
        ...(note === undefined ? {} : { note }),
      });
      return json({ completed: step, run, next: `tta workflow resume ${run}` });
    }
    case 'journal_record': {
      const run = str(args.run);
      const text = str(args.text);
      const kind = args.kind;
      if (run === undefined || text === undefined || (kind !== 'decision' && kind !== 'learning'))
        return refuse('journal_record needs "run", "kind" (decision or learning) and "text"');
      const events = await context.runs.read(run);
      if (events.length === 0) return refuse(`no run "${run}" in ${context.cwd}`);
      const stage = str(args.stage) ?? describeRun(events).stage;
      const event = await context.runs.append(run, {
        type: kind,
        text,
        by,
        ...(stage === undefined ? {} : { stage }),
      });
      return json({ recorded: kind, run, seq: event.seq });
    }
    default:
      return refuse(`unknown tool "${name}"`);
  }
}

/** A run as an assistant needs it: where it is and what waits for it. */
function describeRun(events: readonly RunEvent[]) {
  const first = events[0];
  let stage: string | undefined;
  const waiting = new Map<string, { step: string; instructions: string; expected: unknown }>();
  for (const e of events) {
    if (e.type === 'stage_started') stage = e.stage;
    if (e.type === 'step_suspended')
      waiting.set(e.step, { step: e.step, instructions: e.instructions, expected: e.expected });
    if (e.type === 'step_completed') waiting.delete(e.step);
  }
  return {
    run: first?.runId,
    workflow: first?.type === 'run_started' ? first.workflow : undefined,
    status: runStatus(events),
    stage,
    waiting: [...waiting.values()],
  };
}

function outputsOf(events: readonly RunEvent[]): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const e of events)
    if (e.type === 'step_succeeded' || e.type === 'step_completed') outputs[e.step] = e.output;
  return outputs;
}
