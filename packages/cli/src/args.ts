import { parseArgs } from 'node:util';
import { usageError } from './CliError.js';

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
    throw usageError(`${command}: ${(error as Error).message}\nRun "${command} --help" for usage.`);
  }
}
