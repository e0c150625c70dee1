import { resolve } from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas';
import writeFileAtomic from 'write-file-atomic';
import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { colors, eprintln, type Io, printJson, println } from '../Io.js';
import { homeOf } from '../persona/_registry.js';
import { table } from '../table.js';
import { runStoreOf } from './_runStore.js';
import { formatDuration } from './report/formatDuration.js';
import { type RunReport, runReport } from './report/RunReport.js';
import { timelineHtml, tokensCell } from './report/timelineHtml.js';
import { runSummary, timelineSvg } from './report/timelineSvg.js';

export const reportHelp = `Usage: tta workflow report <run> [--json] [--html <file>] [--svg <file>]

The metrics of a run, from its events: per run and per stage the time at work, the persona, the
steps, the share the engine did itself (automation), the gates passed and failed, and the tokens
the run recorded against the persona's budget. --html and --svg write a timeline — stages as
bars coloured by persona, steps as ticks, gates as green or red diamonds — as one file that needs
nothing else (no scripts, no network).

Options:
  --json          print the report as JSON on stdout instead of the table
  --html <file>   write the report and its timeline as an HTML page
  --svg <file>    write the timeline as an SVG image
  -h, --help`;

export async function report(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow report', argv, {
    json: { type: 'boolean' },
    html: { type: 'string' },
    svg: { type: 'string' },
  });
  if (values.help) {
    println(io, reportHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw usageError(`tta workflow report: expected one run id\n\n${reportHelp}`);
  const runId = positionals[0]!;
  const events = await runStoreOf(io).read(runId);
  const built = runReport(events, await tokenBudgets(io));
  if (built === undefined) throw usageError(`no run "${runId}" here; see "tta workflow status"`);
  for (const [file, render] of [
    [values.html, timelineHtml],
    [values.svg, timelineSvg],
  ] as const) {
    if (file === undefined) continue;
    const path = resolve(io.cwd, file);
    try {
      await writeFileAtomic(path, render(built));
    } catch (error) {
      throw usageError(`tta workflow report: cannot write ${path}: ${(error as Error).message}`);
    }
    eprintln(io, `wrote ${path}`);
  }
  if (values.json) printJson(io, built);
  else println(io, reportTable(built, io));
  return 0;
}

/** The personas' token budgets; none when the personas cannot be read (the report goes on). */
async function tokenBudgets(io: Io): Promise<Record<string, number>> {
  try {
    const registry = await PersonaRegistry.load({ cwd: io.cwd, home: homeOf(io) });
    return Object.fromEntries(registry.list().map((p) => [p.persona.name, p.persona.tokenBudget]));
  } catch {
    return {};
  }
}

/** The report as a people's table: the run on one line, then a row per stage and the total. */
export function reportTable(report: RunReport, io: Io): string {
  const c = colors(io);
  const gates = (passed: number, failed: number) =>
    `${passed} passed${failed > 0 ? `, ${c.red(`${failed} failed`)}` : ''}`;
  const percent = (ratio: number | undefined) =>
    ratio === undefined ? '–' : `${Math.round(ratio * 100)}%`;
  // Steps done, with those skipped apart: the stage rows add up to the run's row.
  const steps = (done: number, skipped: number) =>
    `${done}${skipped > 0 ? c.dim(` +${skipped} skipped`) : ''}`;
  const rows = report.stages.map((s) => {
    const passed = s.gates.filter((g) => g.passed).length;
    const count = (outcomes: string[]) =>
      s.steps.filter((t) => outcomes.includes(t.outcome)).length;
    return [
      s.id,
      s.persona,
      s.status,
      formatDuration(s.durationMs),
      steps(count(['succeeded', 'completed']), count(['skipped'])),
      percent(s.automation),
      gates(passed, s.gates.length - passed),
      tokensCell(s.tokens, s.tokenBudget),
    ];
  });
  rows.push([
    c.bold('run'),
    `${report.personas.length} personas, ${report.personaSwitches} switches`,
    report.status,
    formatDuration(report.workMs),
    steps(report.steps, report.skippedSteps),
    percent(report.automation),
    gates(report.gatesPassed, report.gatesFailed),
    report.tokens === undefined ? '–' : String(report.tokens),
  ]);
  return [
    `${c.bold(report.runId)} ${report.workflow}: ${runSummary(report)}`,
    ...(report.traceId === undefined ? [] : [c.dim(`trace ${report.traceId}`)]),
    '',
    table(
      ['STAGE', 'PERSONA', 'STATUS', 'DURATION', 'STEPS', 'AUTOMATION', 'GATES', 'TOKENS'],
      rows,
    ),
  ].join('\n');
}
