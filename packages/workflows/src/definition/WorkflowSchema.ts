import { z } from 'zod';

const id = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-_]*$/,
    'use lowercase letters, digits, "-" and "_", starting with a letter or digit',
  );

/** Options every step may take. */
const stepOptions = {
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
};

const RunFields = z
  .object({
    ...stepOptions,
    run: z.string().min(1).describe('A shell command'),
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).default({}),
    expectExitCode: z.number().int().default(0),
  })
  .strict();

const ToolFields = z
  .object({
    ...stepOptions,
    tool: z
      .string()
      .regex(/^[A-Za-z0-9_-]+__.+$/, 'name the tool as <server>__<tool>')
      .describe('An MCP tool'),
    with: z.record(z.string(), z.unknown()).default({}).describe('The tool arguments'),
  })
  .strict();

const CodeFields = z
  .object({
    ...stepOptions,
    code: z.string().min(1).describe('Source code run in the sandbox'),
    language: z.enum(['javascript', 'typescript', 'python']).default('javascript'),
  })
  .strict();

const AgentFields = z
  .object({
    ...stepOptions,
    agent: z
      .string()
      .min(1)
      .describe('Instructions (Markdown) for the assistant or person who does this step'),
    expected: z.string().optional().describe('What the result should contain'),
  })
  .strict();

const MemoryFields = z
  .object({
    ...stepOptions,
    memory: z
      .record(z.string(), z.unknown())
      .describe('Keys to set in the run memory; values may use ${{ }}'),
  })
  .strict();

const JournalFields = z
  .object({
    ...stepOptions,
    journal: z
      .object({ decision: z.string().optional(), learning: z.string().optional() })
      .strict()
      .refine(
        (j) => j.decision !== undefined || j.learning !== undefined,
        'give a decision or a learning',
      ),
  })
  .strict();

export const STEP_KINDS = ['run', 'tool', 'code', 'agent', 'memory', 'journal'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

const BY_KIND = {
  run: RunFields,
  tool: ToolFields,
  code: CodeFields,
  agent: AgentFields,
  memory: MemoryFields,
  journal: JournalFields,
};

/** The step of each kind as written in a file, for the JSON Schema (the parser uses `StepSchema`). */
export const STEP_FILE_SCHEMAS = Object.values(BY_KIND);

/**
 * A step names its kind by its one key among run, tool, code, agent, memory and journal (as in
 * GitHub Actions' `run`/`uses`); the parsed step carries `kind`.
 */
export const StepSchema = z.unknown().transform((raw, ctx) => {
  const kinds = typeof raw === 'object' && raw !== null ? STEP_KINDS.filter((k) => k in raw) : [];
  if (kinds.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message:
        kinds.length === 0
          ? `a step needs one of ${STEP_KINDS.join(', ')}`
          : `a step has exactly one of ${STEP_KINDS.join(', ')}; this one has ${kinds.join(' and ')}`,
    });
    return z.NEVER;
  }
  const kind = kinds[0]!;
  const parsed = BY_KIND[kind].safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      ctx.addIssue({ ...issue, code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  }
  return { kind, ...parsed.data } as Step;
});

type WithKind<K extends StepKind, T> = T & { readonly kind: K };
export type Step =
  | WithKind<'run', z.output<typeof RunFields>>
  | WithKind<'tool', z.output<typeof ToolFields>>
  | WithKind<'code', z.output<typeof CodeFields>>
  | WithKind<'agent', z.output<typeof AgentFields>>
  | WithKind<'memory', z.output<typeof MemoryFields>>
  | WithKind<'journal', z.output<typeof JournalFields>>;

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
  .strict();
export type WorkflowInput = z.output<typeof InputSchema>;

export const StageSchema = z
  .object({
    id,
    title: z.string().min(1),
    persona: z
      .string()
      .min(1)
      .describe('Name, alias or chat mode of the persona the stage runs under'),
    instructions: z.string().default('').describe('Markdown for whoever works the stage'),
    steps: z.array(StepSchema).min(1, 'a stage needs at least one step'),
    gates: z.array(GateSchema).default([]),
  })
  .strict();
export type Stage = z.output<typeof StageSchema>;

export const WorkflowSchema = z
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
    stages: z.array(StageSchema).min(1, 'a workflow needs at least one stage'),
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

export type WorkflowDefinition = z.output<typeof WorkflowSchema>;
export type WorkflowDefinitionInput = z.input<typeof WorkflowSchema>;
