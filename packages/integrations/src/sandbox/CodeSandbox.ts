import { ValidationError } from '@tta-dev/core';
import { withErrorOutput } from '@tta-dev/workflows';
import { z } from 'zod';

export const CODE_LANGUAGES = ['javascript', 'typescript', 'python'] as const;
export type CodeLanguage = (typeof CODE_LANGUAGES)[number];

/** Wall-clock limit of a run when the request gives none. */
export const DEFAULT_TIME_LIMIT_MS = 30_000;
/** Memory limit of a run when the request gives none (see docs/integrations.md for its meaning). */
export const DEFAULT_MEMORY_MB = 256;
/** Most bytes of stdout, and of stderr, kept when the request gives no limit. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** Below this an interpreter cannot start, so a smaller limit is bad input rather than a run. */
export const MIN_MEMORY_MB = 32;

/**
 * The file the code is written to in its working folder, by language (TypeScript runs as JS).
 * JavaScript is a `.js` file, so Node (since 20.19) takes it as a module when it has `import` or
 * `export` and as CommonJS when it calls `require`, unless the nearest package.json says `type`.
 */
export const ENTRY_FILES: Readonly<Record<CodeLanguage, string>> = {
  javascript: 'main.js',
  typescript: 'main.mjs',
  python: 'main.py',
};

/** Whether a file name stays inside the working folder. */
const isInside = (path: string) =>
  !path.startsWith('/') && !path.split(/[\\/]/).some((part) => part === '..' || part === '');

export const CodeRequestSchema = z
  .object({
    language: z.enum(CODE_LANGUAGES),
    code: z.string().min(1, 'there is no code to run'),
    /** Wall-clock limit; the run's whole process group is killed when it passes. */
    timeLimitMs: z.number().int().positive().optional(),
    memoryMb: z.number().int().min(MIN_MEMORY_MB).optional(),
    /** Variables the code sees besides PATH, HOME and LANG: nothing else is inherited. */
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not a variable name'), z.string())
      .optional(),
    /** Text files written into the working folder before the code runs (relative path → text). */
    files: z.record(z.string(), z.string()).optional(),
    maxOutputBytes: z.number().int().positive().optional(),
  })
  .strict()
  .superRefine((request, ctx) => {
    const entry = ENTRY_FILES[request.language];
    for (const name of Object.keys(request.files ?? {})) {
      if (!isInside(name))
        ctx.addIssue({
          code: 'custom',
          path: ['files', name],
          message:
            'name a file by a relative path inside the working folder, without ".." or empty parts',
        });
      else if (name === entry)
        ctx.addIssue({
          code: 'custom',
          path: ['files', name],
          message: `${entry} is the file the code itself is written to`,
        });
    }
  });

/** What to run, and within which limits. */
export type CodeRequest = z.input<typeof CodeRequestSchema>;

/** How one run of code ended. Limits that were hit are results, not errors. */
export interface CodeResult {
  readonly language: CodeLanguage;
  /** Which sandbox ran it. */
  readonly sandbox: 'local' | 'e2b';
  readonly stdout: string;
  readonly stderr: string;
  /** Whether stdout / stderr were cut at the output limit (the rest was read and dropped). */
  readonly stdoutTruncated: boolean;
  readonly stderrTruncated: boolean;
  /** The process's exit code; null when it was killed by a signal or never started. */
  readonly exitCode: number | null;
  /** The signal that ended the process (e.g. SIGKILL at the time limit), if one did. */
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly outOfMemory: boolean;
  /** Why the run did not end normally: the limit hit, the missing interpreter, the compile error. */
  readonly reason?: string;
  readonly durationMs: number;
}

export interface CodeRunOptions {
  /** Aborting kills the run and rejects with the signal's reason (the run is being cancelled). */
  readonly signal?: AbortSignal;
}

/** Somewhere code runs within limits: the local child-process sandbox, or E2B. */
export interface CodeSandbox {
  readonly kind: CodeResult['sandbox'];
  run(request: CodeRequest, options?: CodeRunOptions): Promise<CodeResult>;
}

/** A request with its defaults applied. */
export interface ParsedCodeRequest {
  readonly language: CodeLanguage;
  readonly code: string;
  readonly timeLimitMs: number;
  readonly memoryMb: number;
  readonly env: Readonly<Record<string, string>>;
  readonly files: Readonly<Record<string, string>>;
  readonly maxOutputBytes: number;
}

/** Checks a request at the sandbox boundary: a `ValidationError` names each bad field. */
export function parseCodeRequest(request: unknown, sandbox: string): ParsedCodeRequest {
  const parsed = CodeRequestSchema.safeParse(request);
  if (!parsed.success) throw new ValidationError(sandbox, 'input', parsed.error);
  const r = parsed.data;
  return {
    language: r.language,
    code: r.code,
    timeLimitMs: r.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
    memoryMb: r.memoryMb ?? DEFAULT_MEMORY_MB,
    env: r.env ?? {},
    files: r.files ?? {},
    maxOutputBytes: r.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
  };
}

/**
 * Why a result is a failure, in one line with the end of its output, or undefined when the code
 * exited with `expectExitCode` within its limits.
 */
export function codeResultProblem(result: CodeResult, expectExitCode = 0): string | undefined {
  const what = `${result.language} code (${result.sandbox} sandbox)`;
  let problem: string | undefined;
  if (result.timedOut) problem = `${what} timed out: ${result.reason ?? 'time limit reached'}`;
  else if (result.outOfMemory)
    problem = `${what} ran out of memory: ${result.reason ?? 'memory limit reached'}`;
  else if (result.exitCode === null)
    problem = `${what} did not finish: ${result.reason ?? `killed by ${result.signal}`}`;
  else if (result.exitCode !== expectExitCode)
    problem = `${what} exited ${result.exitCode} (expected ${expectExitCode})`;
  if (problem === undefined) return undefined;
  // The error itself first (`ReferenceError: require is not defined…`), then the output's end.
  return withErrorOutput(problem, result.stderr.trim() || result.stdout.trim());
}
