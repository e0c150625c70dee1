import { z } from 'zod';
import { mergeStepKinds, type StepKind } from './StepKind.js';
import {
  type AgentFields,
  type CodeFields,
  type GitFields,
  type GithubFields,
  type JournalFields,
  type LogqlFields,
  type MemoryFields,
  type PromqlFields,
  type RunFields,
  STANDARD_STEP_KINDS,
  type ToolFields,
} from './standardStepKinds.js';

const id = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-_]*$/,
    'use lowercase letters, digits, "-" and "_", starting with a letter or digit',
  );

/** Options every step may take, whatever its kind; a fallback is a step of `step`'s schema. */
const stepOptions = (step: z.ZodType) => ({
  id: id.describe('Unique in the workflow; outputs are read as ${{ steps.<id>.output }}'),
  name: z.string().optional().describe('Shown in progress and journals; default: the id'),
  when: z
    .string()
    .optional()
    .describe('Run only when this expression is true, e.g. "${{ inputs.publish }}"'),
  retry: z
    .object({
      maxRetries: z.number().int().min(0).default(2),
      backoff: z.enum(['constant', 'linear', 'exponential']).default('exponential'),
      initialDelayMs: z.number().int().min(0).default(1000),
    })
    .strict()
    .optional()
    .describe('Run again on failure'),
  timeoutMs: z.number().int().positive().optional().describe('Fail the step after this long'),
  saveAs: z.string().min(1).optional().describe('Also store the output in memory under this key'),
  continueOnError: z
    .boolean()
    .default(false)
    .describe('A failure is recorded but does not stop the run'),
  idempotent: z
    .boolean()
    .default(true)
    .describe('Safe to run again when a run resumes after being interrupted in this step'),
  fallback: z
    .array(step)
    .optional()
    .describe(
      'Steps tried in order when this one fails (after its retries); the first to succeed gives the output',
    ),
});

/** The options of a parsed step, of any kind. */
export type StepCommon = Omit<z.output<z.ZodObject<ReturnType<typeof stepOptions>>>, 'fallback'> &
  StepFallback;

/** An interface, so that the step type may name itself (a fallback is a step). */
interface StepFallback {
  readonly fallback?: readonly Step[];
}
type WithKind<K extends string, F extends z.ZodObject> = StepCommon &
  Omit<z.output<F>, keyof StepCommon> & { readonly kind: K };

/** A step of a standard kind; a registered kind's `run` sees its steps as `StepOf` its fields. */
export type Step =
  | WithKind<'run', typeof RunFields>
  | WithKind<'tool', typeof ToolFields>
  | WithKind<'code', typeof CodeFields>
  | WithKind<'agent', typeof AgentFields>
  | WithKind<'memory', typeof MemoryFields>
  | WithKind<'journal', typeof JournalFields>
  | WithKind<'promql', typeof PromqlFields>
  | WithKind<'logql', typeof LogqlFields>
  | WithKind<'git', typeof GitFields>
  | WithKind<'github', typeof GithubFields>;

/** The schemas of workflow files whose steps are of `kinds`. */
export interface WorkflowSchemas {
  /** A step: names its kind by its one key among the kinds; the parsed step carries `kind`. */
  readonly step: z.ZodType<Step>;
  /** The step of each kind as written in a file, for the JSON Schema. */
  readonly stepFiles: readonly z.ZodObject[];
  readonly stage: ReturnType<typeof stageSchema>;
  readonly workflow: ReturnType<typeof workflowSchema>;
}

const built = new WeakMap<readonly StepKind[], WorkflowSchemas>();

/**
 * The schemas of workflow files whose steps are of the standard kinds and `kinds` (an
 * application's own; a kind of a standard kind's name replaces it): what the loader checks, and
 * what the JSON Schema is made from. Built once per list.
 */
export function workflowSchemaFor(
  kinds: readonly StepKind[] = STANDARD_STEP_KINDS,
): WorkflowSchemas {
  const cached = built.get(kinds);
  if (cached !== undefined) return cached;
  const schemas = schemasOf(mergeStepKinds(STANDARD_STEP_KINDS, kinds));
  built.set(kinds, schemas);
  return schemas;
}

function schemasOf(kinds: readonly StepKind[]): WorkflowSchemas {
  const names = kinds.map((k) => k.kind);
  const options = stepOptions(z.lazy((): z.ZodType<unknown> => step));
  const files = new Map(
    kinds.map((k) => {
      const file = z.object({ ...options, ...k.fields.shape }).strict();
      const check = k.check;
      return [k.kind, check === undefined ? file : file.superRefine((s, ctx) => check(s, ctx))];
    }),
  );
  const step = z.unknown().transform((raw, ctx) => {
    const found = typeof raw === 'object' && raw !== null ? names.filter((k) => k in raw) : [];
    if (found.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          found.length === 0
            ? `a step needs one of ${names.join(', ')}`
            : `a step has exactly one of ${names.join(', ')}; this one has ${found.join(' and ')}`,
      });
      return z.NEVER;
    }
    const kind = found[0]!;
    const parsed = files.get(kind)!.safeParse(raw);
    if (!parsed.success) {
      // Kept as they are (unknown keys, wrong types), so that the loader words and places them.
      for (const issue of parsed.error.issues) ctx.addIssue(issue as z.core.$ZodRawIssue);
      return z.NEVER;
    }
    return { kind, ...parsed.data } as unknown as Step;
  });
  const stage = stageSchema(step as unknown as z.ZodType<Step>);
  return {
    step: step as unknown as z.ZodType<Step>,
    stepFiles: [...files.values()],
    stage,
    workflow: workflowSchema(stage),
  };
}

const gateOptions = {
  id,
  name: z.string().optional(),
  when: z.string().optional().describe('Check the gate only when this expression is true'),
};

/** A quality gate: a command's exit code, a number against bounds, or an expression. */
export const GateSchema = z.union([
  z
    .object({
      ...gateOptions,
      command: z.string().min(1),
      cwd: z.string().optional(),
      expectExitCode: z.number().int().default(0),
    })
    .strict(),
  z
    .object({
      ...gateOptions,
      value: z
        .string()
        .min(1)
        .describe('An expression giving the number, e.g. "${{ steps.coverage.output.total }}"'),
      min: z
        .union([z.number(), z.string()])
        .optional()
        .describe('A number, or an expression giving one'),
      max: z
        .union([z.number(), z.string()])
        .optional()
        .describe('A number, or an expression giving one'),
    })
    .strict()
    .refine((g) => g.min !== undefined || g.max !== undefined, 'give min, max or both'),
  z.object({ ...gateOptions, expression: z.string().min(1) }).strict(),
]);
export type Gate = z.output<typeof GateSchema>;

export const InputSchema = z
  .object({
    type: z.enum(['string', 'number', 'boolean']).default('string'),
    description: z.string().optional(),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    required: z.boolean().default(false),
    enum: z.array(z.union([z.string(), z.number()])).optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    // What a run would refuse is refused at load: a default or choice not of the input's type.
    const wrong = (value: unknown, path: (string | number)[]) => {
      if (typeof value !== input.type)
        ctx.addIssue({
          code: 'custom',
          path,
          message: `wrong type: a ${input.type} input takes ${input.type} values, got ${typeof value} ${JSON.stringify(value)}`,
        });
    };
    if (input.default !== undefined) wrong(input.default, ['default']);
    for (const [i, choice] of (input.enum ?? []).entries()) wrong(choice, ['enum', i]);
    if (input.default !== undefined && input.enum !== undefined)
      if (!input.enum.includes(input.default as string | number))
        ctx.addIssue({
          code: 'custom',
          path: ['default'],
          message: `the default must be one of ${input.enum.join(', ')}`,
        });
  });
export type WorkflowInput = z.output<typeof InputSchema>;

/** A worker label (`tta worker --labels deploy,gpu`): what a stage's `runsOn` names. */
export const WorkerLabelSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'a label is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

const stageSchema = (step: z.ZodType<Step>) =>
  z
    .object({
      id,
      title: z.string().min(1),
      persona: z
        .string()
        .min(1)
        .describe('Name, alias or chat mode of the persona the stage runs under'),
      instructions: z.string().default('').describe('Markdown for whoever works the stage'),
      steps: z.array(step).min(1, 'a stage needs at least one step'),
      gates: z.array(GateSchema).default([]),
      runsOn: z
        .array(WorkerLabelSchema)
        .min(1, 'runsOn names at least one label (leave it out for any worker)')
        .refine((labels) => new Set(labels).size === labels.length, 'a label is named twice')
        .optional()
        .describe(
          'Labels a process must offer to drive this stage (tta worker --labels); default: any',
        ),
    })
    .strict();

const workflowSchema = (stage: z.ZodType<Stage>) =>
  z
    .object({
      $schema: z.string().optional(),
      name: id.describe('The workflow name, e.g. "package-release"'),
      description: z.string().min(1),
      personas: z
        .array(z.string())
        .default([])
        .describe('Personas involved, for documentation; stages say which runs when'),
      memoryNamespace: z.string().optional().describe('Default: run:<run id>'),
      inputs: z
        .record(
          z
            .string()
            .regex(
              /^[A-Za-z][A-Za-z0-9_-]*$/,
              'an input name is a letter, then letters, digits, "_" or "-"',
            ),
          InputSchema,
        )
        .default({}),
      stages: z.array(stage).min(1, 'a workflow needs at least one stage'),
    })
    .strict()
    .superRefine((wf, ctx) => {
      const stageIds = new Set<string>();
      const stepIds = new Set<string>();
      wf.stages.forEach((stage, s) => {
        if (stageIds.has(stage.id))
          ctx.addIssue({
            code: 'custom',
            path: ['stages', s, 'id'],
            message: `stage id "${stage.id}" is used twice`,
          });
        stageIds.add(stage.id);
        stage.steps.forEach((step, i) => {
          if (stepIds.has(step.id)) {
            ctx.addIssue({
              code: 'custom',
              path: ['stages', s, 'steps', i, 'id'],
              message: `step id "${step.id}" is used twice (step ids are unique in a workflow)`,
            });
          }
          stepIds.add(step.id);
        });
      });
    });

/** The schemas of the standard kinds' workflows (`workflowSchemaFor()`), by their old names. */
const standard = workflowSchemaFor();
export const StepSchema = standard.step;
export const StageSchema = standard.stage;
export const WorkflowSchema = standard.workflow;

export type Stage = z.output<ReturnType<typeof stageSchema>>;
export type WorkflowDefinition = z.output<ReturnType<typeof workflowSchema>>;
export type WorkflowDefinitionInput = z.input<ReturnType<typeof workflowSchema>>;
