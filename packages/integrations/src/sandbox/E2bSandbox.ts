import { randomUUID } from 'node:crypto';
import type { CommandResult, CommandStartOpts, Sandbox, SandboxOpts, WriteInfo } from 'e2b';
import { importOptional } from '../optionalPackage.js';
import {
  type CodeResult,
  type CodeRunOptions,
  type CodeSandbox,
  ENTRY_FILES,
  parseCodeRequest,
} from './CodeSandbox.js';
import { launchScript } from './launchScript.js';
import { OutputCapture } from './OutputCapture.js';
import { outOfMemoryReason } from './outOfMemory.js';
import { esbuildTranspiler, type TypeScriptTranspiler } from './transpileTypeScript.js';

// The part of the e2b SDK that this adapter uses, in the SDK's own types: the real `Sandbox` is
// an `E2bSandboxLike` (`createWithSdk` returns it as it is) and so is the tests' fake, so that
// neither can drift from the SDK. `commands.run` rejects with `CommandExitError` on a non-zero
// exit and with `TimeoutError` past `timeoutMs`.

/** e2b's `CommandResult`. */
export type E2bCommandResult = CommandResult;

/** The options of e2b's `commands.run` used here. */
export type E2bCommandOptions = Pick<
  CommandStartOpts,
  'cwd' | 'envs' | 'timeoutMs' | 'onStdout' | 'onStderr'
>;

/** e2b's `WriteEntry` (`{ path, data }`), which the SDK does not export by name. */
export type E2bWriteEntry = Parameters<Sandbox['files']['write']>[0] extends (infer E)[]
  ? E
  : never;

/** The part of e2b's `Sandbox` used here: foreground `commands.run`, `files.write(entries)`, `kill`. */
export interface E2bSandboxLike extends Pick<Sandbox, 'sandboxId' | 'kill'> {
  readonly commands: {
    run(cmd: string, opts?: E2bCommandOptions): Promise<CommandResult>;
  };
  readonly files: {
    write(files: E2bWriteEntry[]): Promise<WriteInfo[]>;
  };
}

/** e2b's `Sandbox.create(template?, opts)`, with the options used here. */
export type E2bCreate = (
  template: string | undefined,
  options: Required<Pick<SandboxOpts, 'apiKey' | 'timeoutMs'>>,
) => Promise<E2bSandboxLike>;

export interface E2bSandboxOptions {
  readonly apiKey: string;
  /** E2B template (default: E2B's base image, which has Node and Python 3). */
  readonly template?: string;
  /** Folder in the sandbox the working folders are made in. */
  readonly root?: string;
  /** Makes a sandbox (default: `Sandbox.create` of the `e2b` package, loaded on first use). */
  readonly create?: E2bCreate;
  readonly transpile?: TypeScriptTranspiler;
}

/** How long an E2B sandbox may outlive its run's time limit before E2B ends it by itself. */
const SANDBOX_GRACE_MS = 60_000;

/**
 * Runs code in a fresh E2B cloud sandbox (a micro-VM) that is killed afterwards: the same launch
 * script and limits as the local sandbox, with the isolation of a separate machine. TypeScript is
 * transpiled here, so the sandbox needs only Node and Python. Only the request's `env` reaches it.
 */
export class E2bSandbox implements CodeSandbox {
  readonly kind = 'e2b' as const;
  private readonly transpile: TypeScriptTranspiler;
  private readonly create: E2bCreate;

  constructor(private readonly options: E2bSandboxOptions) {
    this.transpile = options.transpile ?? esbuildTranspiler();
    this.create = options.create ?? createWithSdk;
  }

  async run(request: unknown, options: CodeRunOptions = {}): Promise<CodeResult> {
    const req = parseCodeRequest(request, 'e2b-sandbox');
    const { signal } = options;
    signal?.throwIfAborted();
    const started = performance.now();
    const base = { language: req.language, sandbox: 'e2b' as const };
    let code = req.code;
    if (req.language === 'typescript') {
      const transpiled = await this.transpile(req.code, 'main.ts');
      if ('errors' in transpiled)
        return {
          ...base,
          stdout: '',
          stderr: transpiled.errors,
          stdoutTruncated: false,
          stderrTruncated: false,
          exitCode: null,
          signal: null,
          timedOut: false,
          outOfMemory: false,
          reason: 'the TypeScript did not compile',
          durationMs: Math.round(performance.now() - started),
        };
      code = transpiled.code;
    }
    const sandbox = await this.create(this.options.template, {
      apiKey: this.options.apiKey,
      timeoutMs: req.timeLimitMs + SANDBOX_GRACE_MS,
    });
    const kill = () => sandbox.kill().catch(() => undefined);
    signal?.addEventListener('abort', kill, { once: true });
    try {
      const dir = `${this.options.root ?? '/home/user'}/tta-code-${randomUUID()}`;
      const file = ENTRY_FILES[req.language];
      await sandbox.files.write([
        ...Object.entries(req.files).map(([name, data]) => ({ path: `${dir}/${name}`, data })),
        { path: `${dir}/${file}`, data: code },
      ]);
      const script = launchScript({
        language: req.language,
        file,
        memoryMb: req.memoryMb,
        node: 'node',
        python: 'python3',
      });
      const stdout = new OutputCapture(req.maxOutputBytes);
      const stderr = new OutputCapture(req.maxOutputBytes);
      let exitCode: number | null = null;
      let exitError: string | undefined;
      let timedOut = false;
      try {
        const result = await sandbox.commands.run(script, {
          cwd: dir,
          envs: { ...req.env },
          timeoutMs: req.timeLimitMs,
          onStdout: (data) => stdout.push(data),
          onStderr: (data) => stderr.push(data),
        });
        exitCode = result.exitCode;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const failed = error as { name?: unknown; exitCode?: unknown; error?: unknown };
        if (failed.name === 'CommandExitError' && typeof failed.exitCode === 'number') {
          exitCode = failed.exitCode;
          if (typeof failed.error === 'string' && failed.error) exitError = failed.error;
        } else if (failed.name === 'TimeoutError') timedOut = true;
        else throw error;
      }
      // E2B's agent reports a process that a signal ended with exit code -1 ("signal: killed").
      const killed = exitCode !== null && exitCode < 0;
      if (killed) exitCode = null;
      const oom = timedOut
        ? undefined
        : outOfMemoryReason(req.language, exitCode !== 0, stderr.tail());
      const reason = timedOut
        ? `stopped at the time limit of ${req.timeLimitMs} ms (the E2B sandbox was killed)`
        : oom !== undefined
          ? `${oom} (memory limit ${req.memoryMb} MB)`
          : killed
            ? `ended by a signal${exitError ? ` (${exitError})` : ''}`
            : undefined;
      return {
        ...base,
        stdout: stdout.text(),
        stderr: stderr.text(),
        stdoutTruncated: stdout.truncated,
        stderrTruncated: stderr.truncated,
        exitCode,
        signal: null,
        timedOut,
        outOfMemory: oom !== undefined,
        ...(reason === undefined ? {} : { reason }),
        durationMs: Math.round(performance.now() - started),
      };
    } finally {
      signal?.removeEventListener('abort', kill);
      await kill();
    }
  }
}

/** `Sandbox.create` of the `e2b` package (an optional peer), loaded only when E2B is used. */
const createWithSdk: E2bCreate = async (template, options) => {
  const { Sandbox } = await importOptional('e2b', 'An E2B sandbox', () => import('e2b'));
  return template === undefined ? Sandbox.create(options) : Sandbox.create(template, options);
};
