import { CliError } from './CliError.js';
import { reportOf } from './exitCodes.js';
import { takeGlobalOptions } from './globalOptions.js';
import { eprintln, type Io, println } from './Io.js';
import { withTelemetry } from './telemetry/withTelemetry.js';

export const ttaHelp = `Usage: tta <command> [options]

Commands:
  persona     switch and inspect personas (also: tta-persona): list, current, use, show,
              validate, history, reset, export
  mcp         the MCP persona gateway: serve, tokens, install
  workflow    multi-persona workflows: list, show, validate, run, status, resume, complete,
              logs, cancel, prune, journal, note, report, demo
  serve       serve the project's workflow runs over HTTP (the Logseq plugin's server)
  worker      drive queued runs and runs whose holder died (placement by --labels)

Options:
  --trace-file <path>  append the command's OpenTelemetry spans to <path> as JSON lines,
                       before or after the command
                       (also TTA_TRACE_FILE; OTEL_EXPORTER_OTLP_* send them to a collector)
  -h, --help           this help; "tta <command> --help" for a command's
  -v, --version        print the version`;

/** What may follow `tta`, for "did you mean". */
const TTA_WORDS = [
  'persona',
  'mcp',
  'workflow',
  'serve',
  'worker',
  'help',
  '--help',
  '--version',
  '--trace-file',
];

/**
 * Runs `tta <argv>` with the telemetry its global options and environment ask for (`tta serve`
 * also keeps metrics for Prometheus); resolves to the exit code.
 */
export async function runTta(argv: readonly string[], io: Io, version: string): Promise<number> {
  const { options, rest } = takeGlobalOptions(argv);
  const prometheus = rest[0] === 'serve';
  return withTelemetry(io, { ...options, prometheus }, version, () =>
    runCommand(rest, io, version),
  );
}

async function runCommand(argv: readonly string[], io: Io, version: string): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'persona':
      return (await import('./persona/personaCommand.js')).runPersonaCommand(
        rest,
        io,
        'tta persona',
      );
    case 'workflow':
      return (await import('./workflow/workflowCommand.js')).runWorkflowCommand(rest, io);
    case 'mcp':
      return (await import('./mcp/mcpCommand.js')).runMcpCommand(rest, io);
    case 'serve':
      return (await import('./serve/serveCommand.js')).runServeCommand(rest, io, version);
    case 'worker':
      return (await import('./worker/workerCommand.js')).runWorkerCommand(rest, io);
    case '-v':
    case '--version':
      println(io, version);
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      println(io, ttaHelp);
      return command === undefined ? 2 : 0;
    default: {
      const { didYouMean } = await import('./didYouMean.js');
      throw new CliError(
        `tta: unknown ${command.startsWith('-') ? 'option' : 'command'} "${command}"${didYouMean(command, TTA_WORDS)}\n\n${ttaHelp}`,
        2,
      );
    }
  }
}

/**
 * Runs a command, turning a `CliError` into its message and exit code, a library's error into its
 * message and the exit code `EXIT_CODES` gives its code (a system error of the machine's state,
 * such as EACCES or ENOSPC, is one line and exit 1), and anything else into "internal error" with
 * the stack (exit 1).
 */
export async function runSafely(io: Io, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CliError) {
      eprintln(io, error.message);
      return error.exitCode;
    }
    const report = reportOf(error);
    if (report !== undefined) {
      eprintln(io, report.message);
      return report.exitCode;
    }
    eprintln(
      io,
      `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return 1;
  }
}
