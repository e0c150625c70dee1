import { formatDuration } from './formatDuration.js';
import type { RunReport, StageReport, StepOutcome } from './RunReport.js';
import { timeScale } from './timeScale.js';

/** Colours of personas, in the order the run used them (Okabe–Ito: told apart by most eyes). */
export const PERSONA_COLOURS = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#999999',
];
const STEP_COLOURS: Record<StepOutcome, string> = {
  succeeded: '#24292f',
  completed: '#8250df',
  waiting: '#bf8700',
  running: '#57606a',
  interrupted: '#9a6700',
  skipped: '#afb8c1',
  failed: '#cf222e',
};
const PASS = '#1a7f37';
const FAIL = '#cf222e';

const WIDTH = 960;
const LABELS = 210;
const RIGHT = 24;
const TOP = 64;
const AXIS = 22;
const ROW = 46;
const BAR = 18;

/** Escapes text for XML content and attribute values. */
export const xml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
const n = (value: number) => String(Math.round(value * 10) / 10);
const title = (text: string) => `<title>${xml(text)}</title>`;

/** The colour of each persona of the run. */
export function personaColours(report: RunReport): Map<string, string> {
  return new Map(report.personas.map((p, i) => [p, PERSONA_COLOURS[i % PERSONA_COLOURS.length]!]));
}

/** A one-line summary of the run, for titles. */
export function runSummary(report: RunReport): string {
  const parts = [
    report.status,
    `${formatDuration(report.workMs)} of work`,
    ...(report.waitMs > 0 ? [`${formatDuration(report.waitMs)} waiting`] : []),
    `${report.steps} steps`,
    ...(report.skippedSteps > 0 ? [`${report.skippedSteps} skipped`] : []),
    ...(report.automation === undefined
      ? []
      : [`automation ${Math.round(report.automation * 100)}%`]),
    `gates ${report.gatesPassed} passed, ${report.gatesFailed} failed`,
    ...(report.tokens === undefined ? [] : [`${report.tokens} tokens`]),
  ];
  return parts.join(' · ');
}

/**
 * The run as an SVG timeline (pure, self-contained): a row per stage with its bars coloured by
 * persona, the steps as ticks under them, gates as diamonds (green passed, red failed), an axis
 * of elapsed time, long waits drawn as breaks, and a legend of personas. Every mark has a
 * `<title>` that a browser shows on hover.
 */
export function timelineSvg(report: RunReport, options: { heading?: boolean } = {}): string {
  const heading = options.heading ?? true;
  const colours = personaColours(report);
  const times = [
    report.start,
    report.end,
    ...report.stages.flatMap((s) => [
      ...s.segments.flatMap((g) => [g.start, g.end]),
      ...s.steps.flatMap((t) => [t.start, t.end]),
      ...s.gates.map((g) => g.time),
    ]),
  ];
  const scale = timeScale(times, LABELS, WIDTH - RIGHT);
  const rowsTop = (heading ? TOP : 16) + AXIS;
  const legendTop = rowsTop + report.stages.length * ROW + 12;
  const height = legendTop + 28;
  const origin = Math.min(...times);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="tta-title tta-desc" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<title id="tta-title">${xml(`${report.workflow} run ${report.runId}`)}</title>`,
    `<desc id="tta-desc">${xml(`Timeline of the run: ${runSummary(report)}`)}</desc>`,
    `<rect class="background" x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
  ];
  if (heading)
    out.push(
      `<text class="heading" x="16" y="26" font-size="16" font-weight="600">${xml(`${report.workflow} · ${report.runId}`)}</text>`,
      `<text class="summary" x="16" y="46" fill="#57606a">${xml(runSummary(report))}</text>`,
    );
  // Axis: elapsed time since the run started.
  out.push(`<g class="axis" fill="#57606a" font-size="10">`);
  for (const t of scale.ticks()) {
    const x = n(scale.x(t));
    out.push(
      `<line x1="${x}" y1="${rowsTop - 4}" x2="${x}" y2="${legendTop - 8}" stroke="#eaeef2"/>`,
      `<text x="${x}" y="${rowsTop - 8}" text-anchor="middle">${xml(formatDuration(t - origin))}</text>`,
    );
  }
  out.push('</g>');
  for (const gap of scale.breaks) {
    out.push(
      `<g class="break">${title(`waited ${formatDuration(gap.ms)}`)}<rect x="${n(gap.x)}" y="${rowsTop - 4}" width="${gap.width}" height="${legendTop - rowsTop - 4}" fill="#f6f8fa" stroke="#d0d7de" stroke-dasharray="3 3"/><text x="${n(gap.x + gap.width / 2)}" y="${rowsTop - 8}" text-anchor="middle" font-size="10" fill="#57606a">⋯</text></g>`,
    );
  }
  report.stages.forEach((stage, row) => {
    out.push(stageRow(stage, rowsTop + row * ROW, colours.get(stage.persona)!, scale.x));
  });
  // Legend: persona → colour.
  out.push(`<g class="legend">`);
  let x = 16;
  for (const [persona, colour] of colours) {
    out.push(
      `<rect class="legend-swatch" data-persona="${xml(persona)}" x="${x}" y="${legendTop}" width="12" height="12" rx="2" fill="${colour}"/>`,
      `<text x="${x + 17}" y="${legendTop + 10}">${xml(persona)}</text>`,
    );
    x += 30 + persona.length * 6.5;
  }
  out.push('</g>', '</svg>');
  return `${out.join('\n')}\n`;
}

function stageRow(
  stage: StageReport,
  top: number,
  colour: string,
  x: (time: number) => number,
): string {
  const failed = stage.status === 'failed' || stage.status === 'gate_failed';
  const out: string[] = [
    `<g class="stage-row" data-stage="${xml(stage.id)}">`,
    `<text class="stage-label" x="16" y="${top + 13}" font-weight="600">${xml(stage.id)}</text>`,
    `<text class="persona-label" x="16" y="${top + 28}" fill="#57606a" font-size="11">${xml(stage.persona)}</text>`,
  ];
  const describe = `${stage.id} · ${stage.persona} · ${formatDuration(stage.durationMs)} · ${stage.status}${stage.tokens === undefined ? '' : ` · ${stage.tokens} tokens`}`;
  for (const segment of stage.segments) {
    const left = x(segment.start);
    out.push(
      `<rect class="stage${failed ? ' stage-failed' : ''}" data-stage="${xml(stage.id)}" data-persona="${xml(stage.persona)}" x="${n(left)}" y="${top + 2}" width="${n(Math.max(2, x(segment.end) - left))}" height="${BAR}" rx="3" fill="${colour}"${failed ? ` stroke="${FAIL}" stroke-width="2"` : ''}>${title(describe)}</rect>`,
    );
  }
  for (const step of stage.steps) {
    const left = x(step.start);
    const attempts = step.attempts > 1 ? `, ${step.attempts} attempts` : '';
    out.push(
      `<rect class="step step-${step.outcome}" data-step="${xml(step.id)}" x="${n(left)}" y="${top + BAR + 6}" width="${n(Math.max(2, x(step.end) - left))}" height="7" fill="${STEP_COLOURS[step.outcome]}">${title(`${step.id}${step.kind === undefined ? '' : ` (${step.kind})`}: ${step.outcome}${attempts}, ${formatDuration(step.end - step.start)}`)}</rect>`,
    );
  }
  for (const gate of stage.gates) {
    const cx = x(gate.time);
    const cy = top + 2 + BAR / 2;
    const r = 7;
    out.push(
      `<path class="gate ${gate.passed ? 'gate-passed' : 'gate-failed'}" data-gate="${xml(gate.id)}" d="M ${n(cx)} ${n(cy - r)} L ${n(cx + r)} ${n(cy)} L ${n(cx)} ${n(cy + r)} L ${n(cx - r)} ${n(cy)} Z" fill="${gate.passed ? PASS : FAIL}" stroke="#ffffff" stroke-width="1.5">${title(`gate ${gate.id}: ${gate.passed ? 'passed' : 'FAILED'}: ${gate.reason}`)}</path>`,
    );
  }
  out.push('</g>');
  return out.join('\n');
}
