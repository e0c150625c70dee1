import type { TestProjectInlineConfiguration } from 'vitest/config';

/**
 * Days depend on time zones (a run's journal day, Logseq's journal pages): the tests of what
 * writes them run again west and east of UTC.
 */
export const TIME_ZONES = ['America/New_York', 'Asia/Tokyo'] as const;

/** Vitest projects that run `include` once more in each of `TIME_ZONES`. */
export function timeZoneProjects(include: string[]): TestProjectInlineConfiguration[] {
  return TIME_ZONES.map((timeZone) => ({
    extends: true,
    test: { name: timeZone, include, env: { TZ: timeZone } },
  }));
}
