import type { Step, WorkflowDefinition } from '../definition/WorkflowSchema.js';
import { renderTemplate } from '../expressions/template.js';
import { resolveInputs } from './resolveInputs.js';

/** What a run would do, without doing it: `tta workflow run --dry-run`. */
export interface RunPlan {
  readonly workflow: string;
  readonly inputs: Record<string, unknown>;
  readonly stages: readonly {
    readonly id: string;
    readonly title: string;
    readonly persona: string;
    readonly steps: readonly PlannedStep[];
    readonly gates: readonly {
      readonly id: string;
      readonly name: string;
      readonly when?: string;
    }[];
  }[];
}

export interface PlannedStep {
  readonly id: string;
  readonly kind: Step['kind'];
  /** The command, tool, query or instructions, rendered where inputs and project facts allow. */
  readonly action: string;
  readonly when?: string;
  readonly fallbacks: number;
}

/**
 * The plan of a run with these inputs (validated as a run would validate them). Templates that
 * need what only the run knows (step outputs, memory) are shown as written.
 */
export function planRun(
  workflow: WorkflowDefinition,
  given: Record<string, unknown>,
  options: { project?: object; personaName?: (query: string) => string } = {},
): RunPlan {
  const inputs = resolveInputs(workflow, given);
  const scope = { inputs, memory: {}, steps: {}, project: options.project ?? {} };
  const render = (text: string) => {
    if (RUN_TIME_ONLY.test(text)) return text;
    try {
      return String(renderTemplate(text, scope));
    } catch {
      return text;
    }
  };
  return {
    workflow: workflow.name,
    inputs,
    stages: workflow.stages.map((stage) => ({
      id: stage.id,
      title: stage.title,
      persona: options.personaName?.(stage.persona) ?? stage.persona,
      steps: stage.steps.map((step) => ({
        id: step.id,
        kind: step.kind,
        action: render(actionOf(step)),
        ...(step.when === undefined ? {} : { when: step.when }),
        fallbacks: step.fallback?.length ?? 0,
      })),
      gates: stage.gates.map((gate) => ({
        id: gate.id,
        name: gate.name ?? gate.id,
        ...(gate.when === undefined ? {} : { when: gate.when }),
      })),
    })),
  };
}

/** A template that reads what only the run knows. */
export const RUN_TIME_ONLY = /\$\{\{[^}]*\b(steps|memory)\b/;

/** The one line that says what a step does, as written. */
function actionOf(step: Step): string {
  const fields = step as unknown as Record<string, unknown>;
  const main = fields[step.kind];
  if (typeof main === 'string') return main.split('\n')[0] ?? '';
  return JSON.stringify(main);
}
