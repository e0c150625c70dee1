import { parseArgs } from 'node:util';
import { usageError } from './CliError.js';
import { didYouMean } from './didYouMean.js';

export type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
>;

export interface Parsed<T extends OptionSpec> {
  readonly values: {
    readonly [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string;
  } & {
    readonly help?: boolean;
  };
  readonly positionals: string[];
}

/** Parses a command's arguments strictly; an unknown flag is a usage error naming the command. */
export function parse<T extends OptionSpec>(
  command: string,
  argv: readonly string[],
  options: T,
): Parsed<T> {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as unknown as Parsed<T>;
  } catch (error) {
    const unknown =
      (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? unknownOption(argv, options)
        : undefined;
    if (unknown !== undefined) {
      const names = [...Object.keys(options), 'help'].map((name) => `--${name}`);
      throw usageError(
        `${command}: Unknown option '${unknown}'${didYouMean(unknown, names)}\nRun "${command} --help" for usage.`,
      );
    }
    throw usageError(`${command}: ${(error as Error).message}\nRun "${command} --help" for usage.`);
  }
}

/** The first option of `argv` that `options` does not know, as typed (`--inptu`, `-x`). */
function unknownOption(argv: readonly string[], options: OptionSpec): string | undefined {
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, tokens: true });
  const known = (name: string) => name === 'help' || name === 'h' || Object.hasOwn(options, name);
  for (const token of tokens)
    if (token.kind === 'option' && !known(token.name)) return token.rawName;
  return undefined;
}
