import { usageError } from '../CliError.js';
import { didYouMean } from '../didYouMean.js';
import { type Io, println } from '../Io.js';

type Command = (argv: readonly string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.js')).serve,
  tokens: async () => (await import('./tokens.js')).tokens,
  install: async () => (await import('./install.js')).install,
};

/** The names of the commands, in the order their help lists them. */
export const commandNames: readonly string[] = Object.keys(COMMANDS);

export const mcpHelp = `Usage: tta mcp <command> [options]

Commands:
  serve      run the MCP persona gateway (stdio, or --http)
  tokens     what each persona's tool list costs against all tools
  install    add the gateway to Claude Code, VS Code or Cursor

Run "tta mcp <command> --help" for a command's options.`;

/** Runs `tta mcp <argv>`; resolves to the exit code. */
export async function runMcpCommand(argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    println(io, mcpHelp);
    return first === undefined ? 2 : 0;
  }
  const load = COMMANDS[first];
  if (load === undefined)
    throw usageError(
      `tta mcp: unknown command "${first}"${didYouMean(first, Object.keys(COMMANDS))}\n\n${mcpHelp}`,
    );
  return (await load())(rest, io);
}
