import { usageError } from './CliError.js';

/** The options of `tta` itself, given before the command. */
export interface GlobalOptions {
  /** `--trace-file <path>`: write the command's spans there as JSON lines. */
  readonly traceFile?: string;
}

/**
 * Takes the global options from anywhere in `argv` before a `--` (`tta --trace-file t.jsonl
 * workflow run x`, or `tta workflow run x --trace-file t.jsonl`); returns them and the command
 * with its own arguments.
 */
export function takeGlobalOptions(argv: readonly string[]): {
  options: GlobalOptions;
  rest: string[];
} {
  let traceFile: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith('--trace-file=')) traceFile = arg.slice('--trace-file='.length);
    else if (arg === '--trace-file') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-'))
        throw usageError(
          'tta: --trace-file needs a path, e.g. tta --trace-file trace.jsonl workflow run …',
        );
      traceFile = value;
      i++;
    } else {
      rest.push(arg);
      continue;
    }
    if (traceFile === '') throw usageError('tta: --trace-file needs a path');
  }
  return { options: traceFile === undefined ? {} : { traceFile }, rest };
}
