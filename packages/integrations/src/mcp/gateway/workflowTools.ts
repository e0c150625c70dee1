import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  completeStep,
  foldRun,
  noteRun,
  type RunState,
  type RunStore,
  waitingNow,
} from '@tta-dev/workflows';

// The tools' definitions are in workflowToolList.ts: the gateway lists them at start and loads
// this module (and @tta-dev/workflows with it) at the first call.

export interface WorkflowToolContext {
  readonly runs: RunStore;
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
        const state = foldRun(await context.runs.read(run));
        if (state === undefined) return refuse(`no run "${run}" in ${context.cwd}`);
        return json({ ...describeRun(state), outputs: state.outputs });
      }
      const described = [];
      for (const summary of await context.runs.list()) {
        const state = foldRun(await context.runs.read(summary.runId));
        if (state !== undefined) described.push(describeRun(state));
      }
      return json(described);
    }
    case 'workflow_complete_step': {
      const run = str(args.run);
      const step = str(args.step);
      if (run === undefined || step === undefined || !('output' in args))
        return refuse('workflow_complete_step needs "run", "step" and "output"');
      const note = str(args.note);
      await completeStep(
        context.runs,
        run,
        step,
        {
          output: args.output,
          tokens: await context.tokens(),
          ...(note === undefined ? {} : { note }),
        },
        by,
      );
      return json({ completed: step, run, next: `tta workflow resume ${run}` });
    }
    case 'journal_record': {
      const run = str(args.run);
      const text = str(args.text);
      const kind = args.kind;
      if (run === undefined || text === undefined || (kind !== 'decision' && kind !== 'learning'))
        return refuse('journal_record needs "run", "kind" (decision or learning) and "text"');
      const state = foldRun(await context.runs.read(run));
      if (state === undefined) return refuse(`no run "${run}" in ${context.cwd}`);
      const stage = str(args.stage) ?? state.stage;
      const event = await noteRun(context.runs, run, {
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
function describeRun(state: RunState) {
  return {
    run: state.runId,
    workflow: state.workflow,
    status: state.status,
    stage: state.stage,
    waiting: waitingNow(state).map((s) => ({
      step: s.id,
      instructions: s.instructions,
      expected: s.expected,
    })),
  };
}
