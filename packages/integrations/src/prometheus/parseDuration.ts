const UNITS_MS: Record<string, number> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

/** Prometheus' duration syntax (Loki's too): units from the largest, each at most once. */
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/**
 * Milliseconds of a duration as Prometheus writes them: "30s", "5m", "1h30m", "2d", "1w". Throws
 * a message saying what was expected (the caller names the field).
 */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (match === null || text.trim() === '' || match.slice(1).every((g) => g === undefined))
    throw new Error(`"${text}" is not a duration (e.g. 30s, 5m, 1h30m, 2d)`);
  const units = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  const ms = match
    .slice(1)
    .reduce((sum, n, i) => sum + (n === undefined ? 0 : Number(n) * UNITS_MS[units[i]!]!), 0);
  if (ms <= 0) throw new Error(`"${text}" is not a positive duration`);
  return ms;
}
