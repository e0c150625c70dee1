import { readFile } from 'node:fs/promises';
import {
  type CodeLanguage,
  type CodeResult,
  type CodeSandbox,
  codeResultProblem,
} from './CodeSandbox.js';

/** A fenced code block of a Markdown file in a language the sandbox runs. */
export interface CodeExample {
  readonly language: CodeLanguage;
  readonly code: string;
  /** Line of the opening fence (1-based). */
  readonly line: number;
  /** The fence's info string, e.g. "ts no-run". */
  readonly info: string;
  /** Marked not to be run (`skip`, `no-run`, `norun` or `ignore` in the info string). */
  readonly skip: boolean;
}

/** Info-string languages that are examples to run; other blocks (sh, json…) are not. */
const LANGUAGES: Readonly<Record<string, CodeLanguage>> = {
  js: 'javascript',
  javascript: 'javascript',
  mjs: 'javascript',
  ts: 'typescript',
  typescript: 'typescript',
  mts: 'typescript',
  py: 'python',
  python: 'python',
  python3: 'python',
};
const SKIP_WORDS = new Set(['skip', 'no-run', 'norun', 'ignore']);

/**
 * The runnable examples of a Markdown text: its fenced code blocks (``` or ~~~, as CommonMark
 * reads them: up to three spaces of indent, a closing fence of the same character at least as
 * long, an unclosed block running to the end) whose info string starts with js, ts or python.
 */
export function extractCodeExamples(markdown: string): CodeExample[] {
  const lines = markdown.split(/\r?\n/);
  const examples: CodeExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, rest] = open as unknown as [string, string, string, string];
    if (fence[0] === '`' && rest.includes('`')) continue;
    const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !closing.test(lines[end]!)) end++;
    const body = lines
      .slice(i + 1, end)
      .map((line) => line.replace(new RegExp(`^ {0,${indent.length}}`), ''));
    const info = rest.trim();
    const words = info.split(/[\s,{}]+/).filter(Boolean);
    const language = LANGUAGES[words[0]?.toLowerCase() ?? ''];
    if (language !== undefined)
      examples.push({
        language,
        code: body.join('\n'),
        line: i + 1,
        info,
        skip: words.slice(1).some((w) => SKIP_WORDS.has(w.toLowerCase())),
      });
    i = end;
  }
  return examples;
}

/** How one example went. */
export interface ExampleOutcome {
  readonly line: number;
  readonly language: CodeLanguage;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Why it failed: `<file>:<line>: ` and the result's summary. */
  readonly problem?: string;
  readonly result?: CodeResult;
}

/** The examples of one file, each passed, failed or skipped; `ok` when none failed. */
export interface ExamplesReport {
  readonly file: string;
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly examples: readonly ExampleOutcome[];
}

export interface RunExamplesOptions {
  readonly sandbox: CodeSandbox;
  /** Limits and variables of each example's run (defaults: the sandbox's). */
  readonly timeLimitMs?: number;
  readonly memoryMb?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/**
 * Runs each example of a Markdown text in the sandbox, one after another: an example passes
 * when it exits 0 within its limits. For examples that import the package they document, give
 * a `LocalSandbox` whose `tempRoot` is inside the package folder, so that imports resolve there.
 */
export async function runMarkdownExamples(
  markdown: string,
  file: string,
  options: RunExamplesOptions,
): Promise<ExamplesReport> {
  const examples: ExampleOutcome[] = [];
  for (const example of extractCodeExamples(markdown)) {
    const { line, language } = example;
    if (example.skip || example.code.trim() === '') {
      examples.push({ line, language, status: 'skipped' });
      continue;
    }
    const result = await options.sandbox.run(
      {
        language,
        code: example.code,
        ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }),
        ...(options.memoryMb === undefined ? {} : { memoryMb: options.memoryMb }),
        ...(options.env === undefined ? {} : { env: { ...options.env } }),
      },
      options.signal ? { signal: options.signal } : {},
    );
    const problem = codeResultProblem(result);
    examples.push(
      problem === undefined
        ? { line, language, status: 'passed', result }
        : { line, language, status: 'failed', problem: `${file}:${line}: ${problem}`, result },
    );
  }
  const count = (status: ExampleOutcome['status']) =>
    examples.filter((e) => e.status === status).length;
  return {
    file,
    ok: count('failed') === 0,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    examples,
  };
}

/** Reads a README (or any Markdown file) and runs its examples; see `runMarkdownExamples`. */
export async function runReadmeExamples(
  file: string,
  options: RunExamplesOptions,
): Promise<ExamplesReport> {
  return runMarkdownExamples(await readFile(file, 'utf8'), file, options);
}
