import { noteRun } from '@tta-dev/workflows/runs';
import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { type Io, printJson, println } from '../Io.js';
import { runStoreOf } from './_runStore.js';

export const noteHelp = `Usage: tta workflow note <run> (--decision TEXT | --learning TEXT) [--stage ID] [--by NAME] [--json]

Records a decision or a learning in a run (a run that is going on, waiting or finished): it
goes to the run's journal as a #decision or #learning block, on the stage's page with --stage,
else on the run page ("tta workflow journal <run>" writes it to Logseq).

Options:
  --decision TEXT   what was decided, and why
  --learning TEXT   what was learnt
  --stage ID        the stage it belongs to (one the run has begun)
  --by NAME         who (default: $USER, else "person")
  --json            print the recorded event as JSON
  -h, --help`;

export async function note(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow note', argv, {
    decision: { type: 'string', short: 'd' },
    learning: { type: 'string', short: 'l' },
    stage: { type: 'string', short: 's' },
    by: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, noteHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw usageError(`tta workflow note: expected one run id\n\n${noteHelp}`);
  if ((values.decision === undefined) === (values.learning === undefined))
    throw usageError('tta workflow note: give --decision TEXT or --learning TEXT (one of them)');
  const type = values.decision !== undefined ? 'decision' : 'learning';
  const text = (values.decision ?? values.learning ?? '').trim();
  if (text === '') throw usageError(`tta workflow note: --${type} needs some text`);
  const runId = positionals[0]!;
  const by = (values.by ?? io.env.USER ?? 'person').trim() || 'person';
  const event = await noteRun(runStoreOf(io), runId, {
    type,
    text,
    by,
    ...(values.stage === undefined ? {} : { stage: values.stage }),
  });
  if (values.json) printJson(io, event);
  else
    println(
      io,
      `✓ ${type} recorded in ${runId}${values.stage === undefined ? '' : ` (stage ${values.stage})`}; write it to Logseq with: tta workflow journal ${runId}`,
    );
  return 0;
}
