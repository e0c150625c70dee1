import { formatDuration } from './formatDuration.js';
import type { RunReport } from './RunReport.js';
import { personaColours, runSummary, timelineSvg, xml } from './timelineSvg.js';

const percent = (ratio: number | undefined) =>
  ratio === undefined ? '–' : `${Math.round(ratio * 100)}%`;

/** Tokens, against the persona's budget when it is known. */
export const tokensCell = (tokens: number | undefined, budget: number | undefined): string =>
  tokens === undefined ? '–' : budget === undefined ? String(tokens) : `${tokens} / ${budget}`;

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #24292f; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
p.summary { color: #57606a; margin: 0 0 16px; }
table { border-collapse: collapse; margin: 16px 0; }
th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid #eaeef2; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
span.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.failed { color: #cf222e; font-weight: 600; }
.passed { color: #1a7f37; }
figure { margin: 0; }
figure svg { max-width: 100%; height: auto; }
`;

/**
 * The run's report as one self-contained HTML page (no scripts, no network): the metrics per run
 * and per stage, the SVG timeline, and the gates with their reasons. Written as well-formed XML
 * (polyglot markup), so that XML tools read it too.
 */
export function timelineHtml(report: RunReport): string {
  const colours = personaColours(report);
  const stageRows = report.stages
    .map((s) => {
      const passed = s.gates.filter((g) => g.passed).length;
      const failed = s.gates.length - passed;
      return `<tr data-stage="${xml(s.id)}"><td>${xml(s.id)}</td><td><span class="swatch" style="background: ${colours.get(s.persona)}"></span>${xml(s.persona)}</td><td>${xml(s.status)}</td><td class="number">${formatDuration(s.durationMs)}</td><td class="number">${s.steps.length}</td><td class="number">${percent(s.automation)}</td><td class="number">${passed}</td><td class="number${failed > 0 ? ' failed' : ''}">${failed}</td><td class="number">${xml(tokensCell(s.tokens, s.tokenBudget))}</td></tr>`;
    })
    .join('\n');
  const gateRows = report.stages
    .flatMap((s) =>
      s.gates.map(
        (g) =>
          `<tr><td>${xml(s.id)}</td><td>${xml(g.id)}</td><td class="${g.passed ? 'passed' : 'failed'}">${g.passed ? 'passed' : 'failed'}</td><td>${xml(g.reason)}</td></tr>`,
      ),
    )
    .join('\n');
  return `<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>${xml(`${report.workflow} · ${report.runId}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${xml(`${report.workflow} · ${report.runId}`)}</h1>
<p class="summary">${xml(runSummary(report))}${report.traceId === undefined ? '' : ` · trace <code>${xml(report.traceId)}</code>`}</p>
<figure>
${timelineSvg(report, { heading: false })}</figure>
<table class="stages">
<thead><tr><th>stage</th><th>persona</th><th>status</th><th>duration</th><th>steps</th><th>automation</th><th>gates passed</th><th>gates failed</th><th>tokens</th></tr></thead>
<tbody>
${stageRows}
</tbody>
</table>
${
  gateRows === ''
    ? ''
    : `<table class="gates">
<thead><tr><th>stage</th><th>gate</th><th>result</th><th>reason</th></tr></thead>
<tbody>
${gateRows}
</tbody>
</table>
`
}</body>
</html>
`;
}
