import { formatDuration } from './report/formatDuration.js';

/** A run's metrics on one line for people: counts first, then tokens and time per persona. */
export function formatMetrics(metrics: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  const perPersona: string[] = [];
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value === 'number')
      parts.push(
        name === 'automation'
          ? `automation ${Math.round(value * 100)}%`
          : name.endsWith('Ms')
            ? `${name.slice(0, -2)} ${formatDuration(value)}`
            : `${name} ${value}`,
      );
    else if (typeof value === 'object' && value !== null && name.endsWith('ByPersona'))
      perPersona.push(`${name} ${entries(value, (n) => String(n))}`);
    else if (typeof value === 'object' && value !== null && name === 'personaTimeMs')
      perPersona.push(`persona time ${entries(value, (ms) => `${(ms / 1000).toFixed(1)} s`)}`);
  }
  return [...parts, ...perPersona].join(', ');
}

const entries = (value: object, show: (n: number) => string) =>
  `(${Object.entries(value)
    .map(([key, n]) => `${key.replace(/^tta-/, '')} ${show(Number(n))}`)
    .join(', ')})`;
