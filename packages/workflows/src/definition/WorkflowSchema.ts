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
  fallback: z
    .array(z.lazy((): z.ZodType<unknown> => StepSchema))
    .optional()
    .describe(
      'Steps tried in order when this one fails (after its retries); the first to succeed gives the output',
    ),
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
    code: z
      .string()
      .min(1)
      .describe('Source code run in the sandbox; with language markdown, a Markdown file path'),
    language: z
      .enum(['javascript', 'typescript', 'python', 'markdown'])
      .default('javascript')
      .describe(
        "markdown runs every fenced javascript, typescript and python example of the file `code` names (a README), each on its own, from a folder inside the project so the project's own package resolves",
      ),
    env: z
      .record(z.string(), z.string())
      .default({})
      .describe('Variables the code sees; nothing else of the environment reaches it'),
    files: z
      .record(z.string(), z.string())
      .default({})
      .describe('Text files written into its working folder first (relative path → text)'),
    memoryMb: z.number().int().min(32).optional().describe('Memory limit; default 256'),
    timeLimitMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Kill the code after this long (default 30000, and within timeoutMs)'),
    expectExitCode: z.number().int().default(0),
    allowFailure: z
      .boolean()
      .default(false)
      .describe('Output the result even when the code fails, times out or runs out of memory'),
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
      .object({
        decision: z.string().optional(),
        learning: z.string().optional(),
        page: z
          .object({
            title: z.string().min(1).describe('The page title; it goes under the run page'),
            content: z.string().describe('Markdown; e.g. "${{ steps.notes.output }}"'),
          })
          .strict()
          .optional()
          .describe('A page of its own under the run page (release notes, post-mortem…)'),
      })
      .strict()
      .refine(
        (j) => j.decision !== undefined || j.learning !== undefined || j.page !== undefined,
        'give a decision, a learning or a page',
      ),
  })
  .strict();

/** `range` of a query step: a range query over the last while instead of an instant one. */
const QueryRangeFields = z
  .object({
    last: z.string().min(1).describe('How far back from now, a duration: "30m", "1h", "2d"'),
    step: z
      .string()
      .min(1)
      .optional()
      .describe('Resolution, a duration ("1m"); default: about 60 points over `last`'),
  })
  .strict()
  .describe('Query the samples over a while; without it the query is instant');

const PromqlFields = z
  .object({
    ...stepOptions,
    promql: z
      .string()
      .min(1)
      .describe('A PromQL query; output.value is the number of its first series'),
    url: z
      .string()
      .optional()
      .describe('Prometheus base URL; when missing or empty: the PROMETHEUS_URL variable'),
    range: QueryRangeFields.optional(),
  })
  .strict();

const LogqlFields = z
  .object({
    ...stepOptions,
    logql: z
      .string()
      .min(1)
      .describe('A LogQL query: log lines (output.count, output.lines) or a metric (output.value)'),
    url: z
      .string()
      .optional()
      .describe('Loki base URL; when missing or empty: the LOKI_URL variable'),
    range: QueryRangeFields.optional(),
    limit: z.number().int().min(1).max(5000).default(100).describe('Most log lines to fetch'),
  })
  .strict();

/** A boolean, or an expression giving one. */
const flag = z.union([z.boolean(), z.string()]);
/** Names, or an expression giving a list. */
const names = z.union([z.array(z.string()), z.string()]);

/**
 * Checks the `with` of an action step (git, github): the fields each action requires, and no
 * field another action uses (a typo in a release step should fail at load, not on GitHub).
 */
function actionWith<A extends string>(
  kind: string,
  actions: Record<A, { required: readonly string[]; allowed: readonly string[] }>,
) {
  return (
    step: { with: Record<string, unknown> } & Record<string, unknown>,
    ctx: z.RefinementCtx,
  ) => {
    const action = step[kind] as A;
    const { required, allowed } = actions[action];
    for (const field of required)
      if (step.with[field] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['with', field],
          message: `${kind} ${action} needs with.${field}`,
        });
    for (const field of Object.keys(step.with))
      if (!allowed.includes(field))
        ctx.addIssue({
          code: 'custom',
          path: ['with', field],
          message: `with.${field} is not used by ${kind} ${action} (it takes ${allowed.join(', ')})`,
        });
  };
}

const GIT_ACTIONS = {
  branch: { required: ['name'], allowed: ['name', 'from', 'checkout'] },
  commit: { required: ['message'], allowed: ['message', 'files', 'allowEmpty'] },
  tag: { required: ['name'], allowed: ['name', 'message', 'ref'] },
  push: { required: [], allowed: ['remote', 'branch', 'tags'] },
} as const;

const GitFields = z
  .object({
    ...stepOptions,
    git: z
      .enum(['branch', 'commit', 'tag', 'push'])
      .describe('What to do with the local git, in the run folder'),
    with: z
      .object({
        name: z.string().optional().describe('branch, tag: its name'),
        from: z.string().optional().describe('branch: where it starts (default: HEAD)'),
        checkout: flag.optional().describe('branch: switch to it (default: true)'),
        message: z.string().optional().describe('commit: the message; tag: annotates it'),
        files: names.optional().describe('commit: paths to commit (default: every change)'),
        allowEmpty: flag.optional().describe('commit: commit even with no change'),
        ref: z.string().optional().describe('tag: what to tag (default: HEAD)'),
        remote: z.string().optional().describe('push: the remote (default: origin)'),
        branch: z
          .union([z.string(), z.literal(false)])
          .optional()
          .describe('push: the branch (default: the current one; false: tags only)'),
        tags: names.optional().describe('push: tags to push too'),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine(actionWith('git', GIT_ACTIONS));

const repoFields = ['repo', 'remote'] as const;
const GITHUB_ACTIONS = {
  pull_request: {
    required: ['title'],
    allowed: [...repoFields, 'title', 'body', 'head', 'base', 'draft'],
  },
  release: {
    required: ['tag'],
    allowed: [...repoFields, 'tag', 'name', 'body', 'target', 'draft', 'prerelease'],
  },
  ci_status: { required: [], allowed: [...repoFields, 'ref', 'wait', 'waitMinutes'] },
} as const;

const GithubFields = z
  .object({
    ...stepOptions,
    github: z
      .enum(['pull_request', 'release', 'ci_status'])
      .describe(
        'What to do on GitHub (needs GITHUB_TOKEN or GH_TOKEN; else a "not configured" output)',
      ),
    with: z
      .object({
        repo: z.string().optional().describe('owner/name (default: from the git remote)'),
        remote: z
          .string()
          .optional()
          .describe('The git remote naming the repository (default: origin)'),
        title: z.string().optional().describe('pull_request: its title'),
        body: z.string().optional().describe('pull_request, release: Markdown'),
        head: z.string().optional().describe('pull_request: the branch (default: the current one)'),
        base: z
          .string()
          .optional()
          .describe("pull_request: the target (default: the repository's default branch)"),
        draft: flag.optional().describe('pull_request, release: as a draft'),
        tag: z.string().optional().describe('release: the tag'),
        name: z.string().optional().describe('release: its title (default: the tag)'),
        target: z
          .string()
          .optional()
          .describe('release: the commit or branch a new tag is made at'),
        prerelease: flag.optional().describe('release: marked as a pre-release'),
        ref: z.string().optional().describe('ci_status: commit, branch or tag (default: HEAD)'),
        wait: flag.optional().describe('ci_status: wait until no check is pending'),
        waitMinutes: z
          .union([z.number().positive(), z.string()])
          .optional()
          .describe('ci_status: how long to wait at most (default: 30)'),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine(actionWith('github', GITHUB_ACTIONS));

export const STEP_KINDS = [
  'run',
  'tool',
  'code',
  'agent',
  'memory',
  'journal',
  'promql',
  'logql',
  'git',
  'github',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

const BY_KIND = {
  run: RunFields,
  tool: ToolFields,
  code: CodeFields,
  agent: AgentFields,
  memory: MemoryFields,
  journal: JournalFields,
  promql: PromqlFields,
  logql: LogqlFields,
  git: GitFields,
  github: GithubFields,
};

/** The step of each kind as written in a file, for the JSON Schema (the parser uses `StepSchema`). */
export const STEP_FILE_SCHEMAS = Object.values(BY_KIND);

/**
 * A step names its kind by its one key among `STEP_KINDS` (as in GitHub Actions' `run`/`uses`);
 * the parsed step carries `kind`.
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
    // Kept as they are (unknown keys, wrong types), so that the loader words and places them.
    for (const issue of parsed.error.issues) ctx.addIssue(issue as z.core.$ZodRawIssue);
    return z.NEVER;
  }
  return { kind, ...parsed.data } as Step;
});

/** An interface, so that the step type may name itself (a fallback is a step). */
interface StepFallback {
  readonly fallback?: readonly Step[];
}
type WithKind<K extends StepKind, T> = Omit<T, 'fallback'> & StepFallback & { readonly kind: K };
export type Step =
  | WithKind<'run', z.output<typeof RunFields>>
  | WithKind<'tool', z.output<typeof ToolFields>>
  | WithKind<'code', z.output<typeof CodeFields>>
  | WithKind<'agent', z.output<typeof AgentFields>>
  | WithKind<'memory', z.output<typeof MemoryFields>>
  | WithKind<'journal', z.output<typeof JournalFields>>
  | WithKind<'promql', z.output<typeof PromqlFields>>
  | WithKind<'logql', z.output<typeof LogqlFields>>
  | WithKind<'git', z.output<typeof GitFields>>
  | WithKind<'github', z.output<typeof GithubFields>>;

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
