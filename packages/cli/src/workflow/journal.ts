import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { type Io, printJson, println } from '../Io.js';
import { graphDirOf, type JournalTarget, sinkOf, writeJournalOfRun } from './_journal.js';

export const journalHelp = `Usage: tta workflow journal <run> [--graph DIR | --api] [--prefix P] [--json]

Writes a run's Logseq pages: the run page (TTA/Runs/<workflow>/<day> <run>), a page per stage
with its steps, gates, decisions and learnings, the pages the workflow asked for (release notes,
post-mortem…), and a block on the journal page of the day linking to the run. Writing a run
again updates its blocks instead of adding copies, and keeps what people wrote on those pages.

Options:
  --graph DIR   a Logseq file graph folder (default: $LOGSEQ_GRAPH_PATH, else .tta/logseq at the
                project root)
  --api         the graph open in Logseq, through its HTTP API server
                ($LOGSEQ_API_URL, default http://127.0.0.1:12315; token: $LOGSEQ_API_TOKEN)
  --prefix P    first part of the page names (default: TTA)
  --json        print what was written as JSON
  -h, --help`;

export async function journal(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow journal', argv, {
    graph: { type: 'string', short: 'g' },
    api: { type: 'boolean' },
    prefix: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, journalHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw usageError(`tta workflow journal: expected one run id\n\n${journalHelp}`);
  if (values.api && values.graph !== undefined)
    throw usageError('tta workflow journal: give --graph or --api, not both');
  if (values.graph === '') throw usageError('tta workflow journal: --graph needs a folder');
  if (values.prefix !== undefined && !/^[^[\]#|]+$/.test(values.prefix))
    throw usageError(
      `tta workflow journal: --prefix "${values.prefix}" cannot be part of a page name (no [ ] # |)`,
    );
  const runId = positionals[0]!;
  const target: JournalTarget = values.api
    ? { kind: 'api' }
    : { kind: 'graph', dir: graphDirOf(io, values.graph) };
  const sink = sinkOf(io, target);
  const written = await writeJournalOfRun(io, runId, sink, values.prefix);
  const files = 'written' in sink ? (sink.written as string[]) : undefined;
  if (values.json)
    printJson(io, {
      runId,
      target: target.kind,
      where: sink.where,
      pages: written.pages.map((p) => p.name),
      journal: written.journalEntry.date,
      ...(files === undefined ? {} : { files }),
    });
  else {
    println(
      io,
      `✓ ${written.pages.length} pages of ${runId} and the journal of ${written.journalEntry.date} in ${sink.where}`,
    );
    for (const page of written.pages) println(io, `  ${page.name}`);
    if (files !== undefined)
      println(io, files.length === 0 ? '  (no file changed)' : `  ${files.length} file(s) changed`);
  }
  return 0;
}
