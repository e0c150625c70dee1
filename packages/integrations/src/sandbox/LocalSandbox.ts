import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import {
  type CodeResult,
  type CodeRunOptions,
  type CodeSandbox,
  ENTRY_FILES,
  type ParsedCodeRequest,
  parseCodeRequest,
} from './CodeSandbox.js';
import { launchScript } from './launchScript.js';
import { OutputCapture } from './OutputCapture.js';
import { outOfMemoryReason } from './outOfMemory.js';
import { esbuildTranspiler, type TypeScriptTranspiler } from './transpileTypeScript.js';

export interface LocalSandboxOptions {
  /**
   * Folder the temporary working folders are made in (default: the system's). A folder inside a
   * project lets the code import that project's packages (Node looks up node_modules from there).
   */
  readonly tempRoot?: string;
  /**
   * Packages the code may import by name, name → folder: each is linked as
   * `node_modules/<name>` in the working folder. README examples import the package they document
   * by its own name, which Node resolves only from a node_modules folder.
   */
  readonly links?: Readonly<Record<string, string>>;
  /** Node executable for JavaScript and TypeScript (default: the one running this process). */
  readonly node?: string;
  /** Python executable, a name looked up on the code's PATH or a path (default: python3). */
  readonly python?: string;
  /** PATH of the code (default: this process's PATH). */
  readonly path?: string;
  readonly transpile?: TypeScriptTranspiler;
}

/** After the main process exits, how long its output may still take to arrive. */
const DRAIN_MS = 1000;
/** How long a killed process group may take to be gone before the result is given anyway. */
const REAP_MS = 500;
const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * Runs code in a child process on this machine, within a time limit (the whole process group is
 * killed), a memory limit (see `launchScript`), a scrubbed environment and a fresh temporary
 * working folder that is removed afterwards. It limits resources and keeps secrets out of the
 * environment; it does not isolate the file system or the network: code that must not be trusted
 * belongs in E2B.
 */
export class LocalSandbox implements CodeSandbox {
  readonly kind = 'local' as const;
  private readonly transpile: TypeScriptTranspiler;

  constructor(private readonly options: LocalSandboxOptions = {}) {
    this.transpile = options.transpile ?? esbuildTranspiler();
  }

  async run(request: unknown, options: CodeRunOptions = {}): Promise<CodeResult> {
    if (process.platform === 'win32')
      throw Object.assign(new Error('the local code sandbox needs a POSIX system; use E2B'), {
        name: 'NotAvailableError',
      });
    const req = parseCodeRequest(request, 'local-sandbox');
    options.signal?.throwIfAborted();
    const started = performance.now();
    let code = req.code;
    if (req.language === 'typescript') {
      const transpiled = await this.transpile(req.code, 'main.ts');
      if ('errors' in transpiled)
        return notRun(req, started, 'the TypeScript did not compile', transpiled.errors);
      code = transpiled.code;
    }
    const path = this.options.path ?? process.env.PATH ?? FALLBACK_PATH;
    let python = this.options.python ?? 'python3';
    if (req.language === 'python') {
      const found = await findExecutable(python, req.env.PATH ?? path);
      if (found === undefined) {
        const reason = `${python} not found on PATH: install Python 3, or set E2B_API_KEY to run code in E2B`;
        return notRun(req, started, reason, reason);
      }
      python = found;
    }
    const dir = await mkdtemp(join(this.options.tempRoot ?? tmpdir(), 'tta-code-'));
    try {
      for (const [name, target] of Object.entries(this.options.links ?? {})) {
        const link = join(dir, 'node_modules', name);
        await mkdir(dirname(link), { recursive: true });
        await symlink(target, link, 'dir');
      }
      for (const [name, text] of Object.entries(req.files)) {
        await mkdir(dirname(join(dir, name)), { recursive: true });
        await writeFile(join(dir, name), text);
      }
      const file = ENTRY_FILES[req.language];
      await writeFile(join(dir, file), code);
      const script = launchScript({
        language: req.language,
        file,
        memoryMb: req.memoryMb,
        node: this.options.node ?? process.execPath,
        python,
      });
      const env = {
        PATH: path,
        HOME: dir,
        TMPDIR: dir,
        LANG: process.env.LANG ?? 'C.UTF-8',
        ...req.env,
      };
      return await spawnScript(script, dir, env, req, options.signal);
    } finally {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    }
  }
}

function spawnScript(
  script: string,
  cwd: string,
  env: Record<string, string>,
  req: ParsedCodeRequest,
  signal: AbortSignal | undefined,
): Promise<CodeResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const stdout = new OutputCapture(req.maxOutputBytes);
    const stderr = new OutputCapture(req.maxOutputBytes);
    // Its own process group, so that the limit takes the code's children down with it.
    const child = spawn('/bin/sh', ['-c', script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let timedOut = false;
    let finished = false;
    let drain: NodeJS.Timeout | undefined;
    const limit = setTimeout(() => {
      if (exited !== undefined) return;
      timedOut = true;
      killGroup();
    }, req.timeLimitMs);
    const onAbort = () => killGroup();
    signal?.addEventListener('abort', onAbort, { once: true });

    const finish = async (spawnError?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(limit);
      clearTimeout(drain);
      signal?.removeEventListener('abort', onAbort);
      if (child.pid !== undefined) await groupGone(child.pid);
      if (signal?.aborted) return reject(signal.reason);
      const durationMs = Math.round(performance.now() - started);
      const exitCode = exited?.code ?? null;
      const exitSignal = exited?.signal ?? null;
      const failed = spawnError !== undefined || exitCode !== 0;
      const oom = timedOut ? undefined : outOfMemoryReason(req.language, failed, stderr.tail());
      const reason = spawnError
        ? `could not start: ${spawnError.message}`
        : timedOut
          ? `killed at the time limit of ${req.timeLimitMs} ms`
          : oom !== undefined
            ? `${oom} (memory limit ${req.memoryMb} MB)`
            : exitSignal !== null
              ? `killed by ${exitSignal}`
              : undefined;
      resolve({
        language: req.language,
        sandbox: 'local',
        stdout: stdout.text(),
        stderr: stderr.text(),
        stdoutTruncated: stdout.truncated,
        stderrTruncated: stderr.truncated,
        exitCode,
        signal: exitSignal,
        timedOut,
        outOfMemory: oom !== undefined,
        ...(reason === undefined ? {} : { reason }),
        durationMs,
      });
    };
    child.on('error', (error) => {
      killGroup();
      void finish(error);
    });
    child.on('exit', (code, exitSignal) => {
      exited = { code, signal: exitSignal };
      // Leftover children of the code end with it; one that left the group (setsid) could
      // hold the pipes open, so their ends are closed after a short drain.
      killGroup();
      drain = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        void finish();
      }, DRAIN_MS);
    });
    child.on('close', () => void finish());
  });
}

/** Waits (briefly) until no process of the killed group is left, so none outlives the result. */
async function groupGone(pgid: number): Promise<void> {
  const deadline = performance.now() + REAP_MS;
  while (performance.now() < deadline) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A result for code that never started (no interpreter, a compile error). */
function notRun(
  req: ParsedCodeRequest,
  started: number,
  reason: string,
  stderr: string,
): CodeResult {
  return {
    language: req.language,
    sandbox: 'local',
    stdout: '',
    stderr,
    stdoutTruncated: false,
    stderrTruncated: false,
    exitCode: null,
    signal: null,
    timedOut: false,
    outOfMemory: false,
    reason,
    durationMs: Math.round(performance.now() - started),
  };
}

/** The executable's path: `name` itself when it has a slash, else the first on `path`. */
export async function findExecutable(name: string, path: string): Promise<string | undefined> {
  const candidates = name.includes('/')
    ? [name]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
