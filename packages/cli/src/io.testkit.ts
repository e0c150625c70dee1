// Test-only: an Io that captures output, for running commands in-process.
import type { Io } from './Io.js';

export interface CapturedIo extends Io {
  readonly out: () => string;
  readonly err: () => string;
}

export function captureIo(
  options: { env?: Record<string, string>; cwd?: string; tty?: boolean; answer?: boolean } = {},
): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: {
      write: (t: string) => {
        out += t;
      },
      isTTY: options.tty ?? false,
    },
    stderr: {
      write: (t: string) => {
        err += t;
      },
      isTTY: options.tty ?? false,
    },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    ...(options.answer === undefined ? {} : { confirm: async () => options.answer as boolean }),
    out: () => out,
    err: () => err,
  };
}
