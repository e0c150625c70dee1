import { completeStep, type Settlement } from '@tta-dev/workflows/runs';
import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { type Io, printJson, println } from '../Io.js';
import { runStoreOf } from './_runStore.js';

export const completeHelp = `Usage: tta workflow complete <run> <step> [--output JSON | --rerun | --failed TEXT] [--note TEXT] [--by NAME]

Settles a step: an agent step the run is waiting for, or a step a crash interrupted (resume
says which). Then "tta workflow resume <run>" carries on.

  --output JSON   the step is done, with this result: an agent step's answer, or the effect an
                  interrupted step had. JSON (a quoted string, a number, an object...); plain
                  text that is not JSON is taken as a string. Default: null.
  --rerun         an interrupted step had no effect: resume runs it again
  --failed TEXT   the step failed, for this reason: the run stops there

Options:
  --note TEXT     a note kept with it
  --by NAME       who did it (default: $USER, else "person")
  --json          print the recorded events as JSON
  -h, --help`;

export async function complete(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow complete', argv, {
    output: { type: 'string', short: 'o' },
    rerun: { type: 'boolean' },
    failed: { type: 'string' },
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
  const ways = [values.output !== undefined, values.rerun === true, values.failed !== undefined];
  if (ways.filter(Boolean).length > 1)
    throw usageError('tta workflow complete: give one of --output, --rerun and --failed');
  const note = values.note === undefined ? {} : { note: values.note };
  const settlement: Settlement = values.rerun
    ? { rerun: true, ...note }
    : values.failed !== undefined
      ? { failed: values.failed.trim() || 'failed, as a person said' }
      : { output: outputOf(values.output), ...note };
  const by = (values.by ?? io.env.USER ?? 'person').trim() || 'person';
  const events = await completeStep(runStoreOf(io), runId, stepId, settlement, by);
  if (values.json) printJson(io, events.length === 1 ? events[0] : events);
  else
    println(
      io,
      `✓ ${stepId} of ${runId} is ${values.rerun ? 'to be run again' : values.failed !== undefined ? 'failed' : 'completed'}; continue with: tta workflow resume ${runId}`,
    );
  return 0;
}

/** `--output` as JSON, or as a string when it is not JSON; null without it. */
function outputOf(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
