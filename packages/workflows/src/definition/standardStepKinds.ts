import { z } from 'zod';
import type { StepKind } from './StepKind.js';

// The own fields of each standard step kind; the options every step takes are added by
// `workflowSchemaFor`. Each kind is declared once, here: the engine runs the built-in ones
// (run, agent, memory, journal) and @tta-dev/integrations gives the others their `run`.

export const RunFields = z
  .object({
    run: z.string().min(1).describe('A shell command'),
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).default({}),
    expectExitCode: z.number().int().default(0),
  })
  .strict();

export const ToolFields = z
  .object({
    tool: z
      .string()
      .regex(/^[A-Za-z0-9_-]+__.+$/, 'name the tool as <server>__<tool>')
      .describe('An MCP tool'),
    with: z.record(z.string(), z.unknown()).default({}).describe('The tool arguments'),
  })
  .strict();

export const CodeFields = z
  .object({
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

export const AgentFields = z
  .object({
    agent: z
      .string()
      .min(1)
      .describe('Instructions (Markdown) for the assistant or person who does this step'),
    expected: z.string().optional().describe('What the result should contain'),
  })
  .strict();

export const MemoryFields = z
  .object({
    memory: z
      .record(z.string(), z.unknown())
      .describe('Keys to set in the run memory; values may use ${{ }}'),
  })
  .strict();

export const JournalFields = z
  .object({
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

export const PromqlFields = z
  .object({
    promql: z
      .string()
      .min(1, 'the query is empty')
      .describe('A PromQL query; output.value is the number of its first series'),
    url: z
      .string()
      .optional()
      .describe('Prometheus base URL; when missing or empty: the PROMETHEUS_URL variable'),
    range: QueryRangeFields.optional(),
  })
  .strict();

export const LogqlFields = z
  .object({
    logql: z
      .string()
      .min(1, 'the query is empty')
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
  return (step: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const action = step[kind] as A;
    const w = step.with as Record<string, unknown>;
    const { required, allowed } = actions[action];
    for (const field of required)
      if (w[field] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['with', field],
          message: `${kind} ${action} needs with.${field}`,
        });
    for (const field of Object.keys(w))
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
  commit: { required: ['message'], allowed: ['message', 'files', 'exclude', 'allowEmpty'] },
  status: { required: [], allowed: ['files'] },
  tag: { required: ['name'], allowed: ['name', 'message', 'ref'] },
  push: { required: [], allowed: ['remote', 'branch', 'tags'] },
} as const;

export const GitFields = z
  .object({
    git: z
      .enum(['branch', 'commit', 'status', 'tag', 'push'])
      .describe('What to do with the local git, in the run folder'),
    with: z
      .object({
        name: z.string().optional().describe('branch, tag: its name'),
        from: z.string().optional().describe('branch: where it starts (default: HEAD)'),
        checkout: flag.optional().describe('branch: switch to it (default: true)'),
        message: z.string().optional().describe('commit: the message; tag: annotates it'),
        files: names
          .optional()
          .describe(
            "commit: paths to commit (default: every change; never tta's own state); status: paths to look at",
          ),
        exclude: names
          .optional()
          .describe("commit: paths to leave out (e.g. a status step's changed)"),
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
  .strict();

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

export const GithubFields = z
  .object({
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
        body: z
          .unknown()
          .optional()
          .describe('pull_request, release: Markdown (a value other than text is written as JSON)'),
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
  .strict();

/** The step kinds every workflow may use, without their `run` (see `BUILTIN_STEP_KINDS`). */
export const STANDARD_STEP_KINDS: readonly StepKind[] = [
  { kind: 'run', fields: RunFields },
  { kind: 'tool', fields: ToolFields },
  { kind: 'code', fields: CodeFields },
  { kind: 'agent', fields: AgentFields },
  { kind: 'memory', fields: MemoryFields },
  { kind: 'journal', fields: JournalFields },
  { kind: 'promql', fields: PromqlFields },
  { kind: 'logql', fields: LogqlFields },
  { kind: 'git', fields: GitFields, check: actionWith('git', GIT_ACTIONS) },
  { kind: 'github', fields: GithubFields, check: actionWith('github', GITHUB_ACTIONS) },
];

/** The names of the standard kinds. */
export const STEP_KINDS = STANDARD_STEP_KINDS.map((k) => k.kind);

/** A standard kind's declaration, for an application to give it a `run`. */
export function standardStepKind(name: string): StepKind {
  const kind = STANDARD_STEP_KINDS.find((k) => k.kind === name);
  if (kind === undefined) throw new Error(`"${name}" is not a standard step kind`);
  return kind;
}
