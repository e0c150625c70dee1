import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { type Io, printJson, println } from '../Io.js';
import { loadRegistry } from '../persona/_registry.js';
import { withEngine } from './_engine.js';

export const completeHelp = `Usage: tta workflow complete <run> <step> [--output JSON] [--note TEXT] [--by NAME]

Completes an agent step that a run is waiting for, with its result; then "tta workflow resume
<run>" carries on. --output is JSON (a quoted string, a number, an object...); plain text that
is not JSON is taken as a string.

Options:
  --output JSON   the step's result (default: null)
  --note TEXT     a note kept with it
  --by NAME       who did it (default: $USER, else "person")
  --json          print the recorded event as JSON
  -h, --help`;

export async function complete(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow complete', argv, {
    output: { type: 'string', short: 'o' },
    note: { type: 'string' },
    by: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, completeHelp);
    return 0;
  }
  if (positionals.length !== 2)
    throw usageError(`tta workflow complete: expected a run id and a step id\n\n${completeHelp}`);
  const [runId, stepId] = positionals as [string, string];
  let output: unknown = null;
  if (values.output !== undefined) {
    try {
      output = JSON.parse(values.output);
    } catch {
      output = values.output;
    }
  }
  const event = await withEngine(
    io,
    await loadRegistry(io),
    () => undefined,
    (engine) =>
      engine.complete(runId, stepId, output, {
        ...(values.note === undefined ? {} : { note: values.note }),
        by: values.by ?? io.env.USER ?? 'person',
      }),
  );
  if (values.json) printJson(io, event);
  else
    println(
      io,
      `✓ ${stepId} of ${runId} is completed; continue with: tta workflow resume ${runId}`,
    );
  return 0;
}
