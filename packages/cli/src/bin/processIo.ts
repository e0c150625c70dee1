import type { Io } from '../Io.js';

/** The real process as an `Io`: the one place that touches process streams. */
export function processIo(): Io {
  const stop = new AbortController();
  // A lasting listener, not `once`: signal-exit (loaded by proper-lockfile) kills the process
  // itself when it sees no other listener left, before the command could stop cleanly. A second
  // signal still stops the process at once.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (stop.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
      stop.abort(signal);
    });
  return {
    signal: stop.signal,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    ...(process.stdin.isTTY && process.stderr.isTTY
      ? {
          confirm: async (question: string) => {
            const { createInterface } = await import('node:readline/promises');
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            try {
              return /^y(es)?$/i.test((await rl.question(question)).trim());
            } finally {
              rl.close();
            }
          },
        }
      : {}),
  };
}

/** Ends the process once output is flushed. */
export function exit(code: number): void {
  process.exitCode = code;
}
