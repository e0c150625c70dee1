import { type ChildProcess, spawn } from 'node:child_process';

/** How long a server may take to say it is ready: a safety net on a loaded machine, never a wait. */
export const READY_LIMIT_MS = 120_000;

export interface StartedProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr), for error messages. */
  output(): string;
  /** Stops it with `signal` and resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Spawns a server and resolves once a line it prints matches `ready`; rejects with what it
 * printed when it exits first or stays silent past `READY_LIMIT_MS`.
 */
export function startProcess(
  command: string,
  args: readonly string[],
  ready: RegExp,
  options: { readonly uid?: number; readonly gid?: number } = {},
): Promise<StartedProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let printed = '';
  // A test process that ends without stopping its server (a crash, a timeout) takes it along.
  const orphaned = () => child.kill('SIGKILL');
  process.once('exit', orphaned);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', orphaned);
      resolve();
    }),
  );
  const started: StartedProcess = {
    child,
    output: () => printed,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${command} ${why}; it printed:\n${printed}`));
    };
    const timer = setTimeout(
      () => fail(`was not ready within ${READY_LIMIT_MS} ms`),
      READY_LIMIT_MS,
    );
    const onData = (chunk: Buffer) => {
      printed += chunk.toString('utf8');
      if (ready.test(printed)) {
        clearTimeout(timer);
        resolve(started);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => fail(`could not start (${error.message})`));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before it was ready`));
  });
}
