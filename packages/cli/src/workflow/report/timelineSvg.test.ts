import { describe, expect, it } from 'vitest';
import { runReport } from './RunReport.js';
import { releaseEvents, scriptedRun } from './report.testkit.js';
import { timelineHtml } from './timelineHtml.js';
import { PERSONA_COLOURS, timelineSvg } from './timelineSvg.js';
import { byClass, elements, parseXml, textContent, titleOf } from './xml.testkit.js';

describe('timelineSvg', () => {
  it('draws stages as bars coloured by persona, steps as ticks and gates as pass/fail marks', async () => {
    const svg = parseXml(timelineSvg(runReport(await releaseEvents())!));
    expect(svg.tag).toBe('svg');
    expect(svg.attributes.viewBox).toMatch(/^0 0 960 \d+$/);
    const bars = byClass(svg, 'rect', 'stage');
    // `ship` waited an hour between its two stretches of work: two bars, one colour.
    expect(bars.map((b) => [b.attributes['data-stage'], b.attributes.fill])).toEqual([
      ['build', PERSONA_COLOURS[0]],
      ['ship', PERSONA_COLOURS[1]],
      ['ship', PERSONA_COLOURS[1]],
    ]);
    expect(byClass(svg, 'rect', 'stage-failed').map((b) => b.attributes['data-stage'])).toEqual([
      'ship',
      'ship',
    ]);
    expect(titleOf(bars[0]!)).toBe('build · tta-backend-engineer · 1.2 s · completed · 52 tokens');
    const x = (e: { attributes: Record<string, string> }) => Number(e.attributes.x);
    expect(x(bars[0]!)).toBeLessThan(x(bars[1]!));
    expect(x(bars[1]!)).toBeLessThan(x(bars[2]!));

    const steps = byClass(svg, 'rect', 'step');
    expect(steps.map((s) => [s.attributes['data-step'], s.attributes.class])).toEqual([
      ['compile', 'step step-succeeded'],
      ['lint', 'step step-skipped'],
      ['notes', 'step step-completed'],
      ['publish', 'step step-succeeded'],
    ]);
    expect(titleOf(steps[0]!)).toBe('compile (run): succeeded, 2 attempts, 990 ms');

    const gates = byClass(svg, 'path', 'gate');
    expect(gates.map((g) => [g.attributes['data-gate'], g.attributes.class])).toEqual([
      ['coverage', 'gate gate-passed'],
      ['published', 'gate gate-failed'],
    ]);
    expect(titleOf(gates[1]!)).toBe('gate published: FAILED: npm view exited 1');

    // The hour's wait is a break, and the labels and legend name stages and personas.
    expect(byClass(svg, 'g', 'break').map(titleOf)).toEqual(['waited 1 h 0 min']);
    const texts = elements(svg)
      .filter((e) => e.tag === 'text')
      .map((e) => e.text);
    expect(texts).toEqual(
      expect.arrayContaining(['build', 'ship', 'tta-backend-engineer', 'tta-devops-engineer']),
    );
    expect(byClass(svg, 'rect', 'legend-swatch').map((s) => s.attributes['data-persona'])).toEqual([
      'tta-backend-engineer',
      'tta-devops-engineer',
    ]);
  });

  it('escapes names, so that any stage or persona name keeps the file well-formed', async () => {
    const run = scriptedRun('odd-1');
    await run.at(0, { type: 'run_started', workflow: 'a&b', inputs: {}, personas: ['p<1>'] });
    await run.at(1, { type: 'stage_started', stage: `s"'<&>`, persona: 'p<1>' });
    await run.at(2, { type: 'stage_completed', stage: `s"'<&>`, durationMs: 1 });
    const svg = parseXml(timelineSvg(runReport(await run.events())!));
    expect(byClass(svg, 'rect', 'stage')[0]?.attributes).toMatchObject({
      'data-stage': `s"'<&>`,
      'data-persona': 'p<1>',
    });
  });
});

describe('timelineHtml', () => {
  it('is one self-contained, well-formed page with the timeline and the metrics tables', async () => {
    const text = timelineHtml(runReport(await releaseEvents(), { 'tta-backend-engineer': 2000 })!);
    const html = parseXml(text);
    expect(html.tag).toBe('html');
    const all = elements(html);
    // Nothing to fetch: no scripts, no external images, styles or links.
    expect(all.filter((e) => ['script', 'link', 'img', 'iframe'].includes(e.tag))).toEqual([]);
    expect(
      all.filter((e) => e.attributes.src !== undefined || e.attributes.href !== undefined),
    ).toEqual([]);
    expect(all.filter((e) => e.tag === 'svg')).toHaveLength(1);
    const rows = all.filter((e) => e.tag === 'tr' && e.attributes['data-stage'] !== undefined);
    expect(rows.map((r) => r.children.map((c) => textContent(c).trim()))).toEqual([
      ['build', 'tta-backend-engineer', 'completed', '1.2 s', '2', '100%', '1', '0', '52 / 2000'],
      ['ship', 'tta-devops-engineer', 'gate_failed', '660 ms', '2', '50%', '0', '1', '308'],
    ]);
  });
});
