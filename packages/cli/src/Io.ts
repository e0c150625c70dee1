/**
 * What a command may touch of the outside world. The bin entry passes the real process; tests
 * pass buffers, so that every command runs in-process and fast.
 */
export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Asks a yes/no question on the terminal; `undefined` when there is no terminal to ask. */
  readonly confirm?: (question: string) => Promise<boolean>;
  /** Aborted when the process is asked to stop (SIGINT, SIGTERM); long-running commands end then. */
  readonly signal?: AbortSignal;
  /** Standard input, for commands that speak a protocol over stdio (`tta mcp serve`). */
  readonly stdin?: NodeJS.ReadableStream;
}

export interface Output {
  write(text: string): void;
  readonly isTTY?: boolean;
}

/** Colours for `out`, off when `NO_COLOR` is set or `out` is not a terminal. */
export function colors(io: Io, out: Output = io.stdout) {
  const on =
    out.isTTY === true &&
    (io.env.NO_COLOR === undefined || io.env.NO_COLOR === '') &&
    io.env.TERM !== 'dumb';
  const wrap = (open: number, close: number) => (text: string) =>
    on ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** Writes a line to stdout. */
export const println = (io: Io, text = '') => io.stdout.write(`${text}\n`);
/** Writes a line to stderr. */
export const eprintln = (io: Io, text = '') => io.stderr.write(`${text}\n`);
/** Writes JSON to stdout. */
export const printJson = (io: Io, value: unknown) =>
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
