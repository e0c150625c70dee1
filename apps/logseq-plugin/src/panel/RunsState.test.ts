import type { RunSummary } from '@tta-dev/workflows';
import { describe, expect, it } from 'vitest';
import {
  SAMPLE_RUN_ID,
  sampleRunCompletion,
  sampleRunInputs,
  withEnvelopes,
} from '../runs/sampleRun.testkit.js';
import { RunsState } from './RunsState.js';

const all = withEnvelopes(SAMPLE_RUN_ID, [...sampleRunInputs(), ...sampleRunCompletion()]);
const summary = (runId: string, started: string): RunSummary => ({
  runId,
  workflow: 'package-release',
  status: 'running',
  started,
  updated: started,
  events: 3,
});

describe('RunsState', () => {
  it('appends live events in order, once, and asks for the whole run after a gap', () => {
    const state = new RunsState();
    const changed: string[][] = [];
    state.subscribe((ids) => changed.push([...ids]));

    expect(state.add(all[3]!)).toBe('gap');
    expect(state.add(all[0]!)).toBe('added');
    expect(state.add(all[1]!)).toBe('added');
    expect(state.add(all[1]!)).toBe('known');
    expect(state.add(all[3]!)).toBe('gap');
    expect(state.events(SAMPLE_RUN_ID)).toHaveLength(2);

    state.setEvents(SAMPLE_RUN_ID, all.slice(0, 10));
    expect(state.add(all[9]!)).toBe('known');
    expect(state.add(all[10]!)).toBe('added');
    expect(state.events(SAMPLE_RUN_ID)?.map((e) => e.seq)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
    // Two live events, the snapshot, one more live event.
    expect(changed).toEqual(Array(4).fill([SAMPLE_RUN_ID]));
  });

  it('keeps the longer log when a snapshot arrives after live events', () => {
    const state = new RunsState();
    state.setEvents(SAMPLE_RUN_ID, all.slice(0, 5));
    state.add(all[5]!);
    state.setEvents(SAMPLE_RUN_ID, all.slice(0, 4));
    expect(state.events(SAMPLE_RUN_ID)).toHaveLength(6);
  });

  it('lists runs newest first: summaries until their events are loaded, then their events', () => {
    const state = new RunsState();
    state.setSummaries([
      summary('old-run', '2026-11-24T08:00:00.000Z'),
      summary(SAMPLE_RUN_ID, '2026-11-25T09:00:00.000Z'),
    ]);
    expect(state.views().map((v) => [v.runId, v.detailed])).toEqual([
      [SAMPLE_RUN_ID, false],
      ['old-run', false],
    ]);
    state.setEvents(SAMPLE_RUN_ID, all);
    expect(state.view(SAMPLE_RUN_ID)).toMatchObject({ detailed: true, status: 'completed' });

    state.setSummaries([summary(SAMPLE_RUN_ID, '2026-11-25T09:00:00.000Z')]);
    expect(state.views().map((v) => v.runId)).toEqual([SAMPLE_RUN_ID]);
    expect(state.view(SAMPLE_RUN_ID)?.detailed).toBe(true);
  });

  it('remembers the selected run', () => {
    const state = new RunsState();
    state.select(SAMPLE_RUN_ID);
    expect(state.selected).toBe(SAMPLE_RUN_ID);
  });
});
