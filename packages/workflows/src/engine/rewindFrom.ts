import type { WorkflowDefinition } from '../definition/WorkflowSchema.js';
import { UnknownResumePointError } from './UnknownResumePointError.js';

/** What `resume --from` runs again: stages (whole or from a step) and steps, in order. */
export interface Rewind {
  readonly from: string;
  readonly stages: readonly string[];
  readonly steps: readonly string[];
}

/**
 * What runs again from a stage (the whole stage), a step (it and the rest of its stage), or a
 * gate (from the first step of its stage it reads, `steps.<id>`, else the stage's gates alone),
 * with every later stage.
 */
export function rewindFrom(workflow: WorkflowDefinition, from: string): Rewind {
  const { stages } = workflow;
  let at: { stage: number; step: number } | undefined;
  stages.forEach((stage, i) => {
    if (at !== undefined) return;
    const step = stage.steps.findIndex((s) => s.id === from);
    const gate = stage.gates.find((g) => g.id === from);
    if (stage.id === from) at = { stage: i, step: 0 };
    else if (step >= 0) at = { stage: i, step };
    else if (gate !== undefined) {
      const text = JSON.stringify(gate);
      const read = stage.steps.findIndex((s) =>
        new RegExp(`\\bsteps\\.${s.id.replace(/[-.]/g, '\\$&')}\\b`).test(text),
      );
      at = { stage: i, step: read >= 0 ? read : stage.steps.length };
    }
  });
  if (at === undefined)
    throw new UnknownResumePointError(
      workflow.name,
      from,
      stages.map((s) => s.id),
    );
  const { stage, step } = at;
  return {
    from,
    stages: stages.slice(stage).map((s) => s.id),
    steps: stages
      .slice(stage)
      .flatMap((s, i) => (i === 0 ? s.steps.slice(step) : s.steps))
      .map((s) => s.id),
  };
}
