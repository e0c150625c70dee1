import { reportOf } from '../exitCodes.js';
import type { Io } from '../Io.js';

/** Set when stdout or stderr could not be written for another reason than its reader leaving. */
let outputFailed = false;

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
  for (const out of [process.stdout, process.stderr]) watchOutput(out, stop);
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

/**
 * Stops the command when `out` cannot be written any more, as a signal would, instead of the
 * unhandled 'error' event that kills the process with a stack trace. A reader that left early
 * (`tta workflow status | head -1`, EPIPE) ends it quietly; anything else (a full disk behind
 * `> file`) is said on stderr in one line and makes the exit code 1. What is written after that
 * is dropped (the stream is destroyed).
 */
function watchOutput(out: NodeJS.WriteStream, stop: AbortController): void {
  out.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') {
      outputFailed = true;
      process.exitCode = 1; // also when the command had already ended
      if (out !== process.stderr)
        process.stderr.write(
          `cannot write the output: ${reportOf(error)?.message ?? error.message}\n`,
        );
    }
    if (!stop.signal.aborted) stop.abort(error);
  });
}

/** Ends the process once output is flushed. */
export function exit(code: number): void {
  process.exitCode = outputFailed && code === 0 ? 1 : code;
}
