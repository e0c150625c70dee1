import type { JsonValue } from './RunEvent.js';

/** A value as an event stores it: through a JSON round trip, `undefined` as `null`. */
export const toJson = (value: unknown): JsonValue =>
  value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);

/** Where a value stops being JSON, and what was found there. */
export interface NonJson {
  readonly path: (string | number)[];
  readonly what: string;
}

/**
 * The first value inside `value` that `JSON.stringify` would drop, change or choke on, or
 * `undefined` when it is all JSON. Plain objects only: a `Date` or a class instance is not JSON
 * even though it stringifies.
 */
export function firstNonJson(value: unknown): NonJson | undefined {
  return visit(value, [], new Set());
}

function visit(value: unknown, path: (string | number)[], open: Set<object>): NonJson | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number')
    return Number.isFinite(value) ? undefined : { path, what: String(value) };
  if (typeof value !== 'object') return { path, what: typeof value };
  if (open.has(value)) return { path, what: 'a circular reference' };
  const isArray = Array.isArray(value);
  if (!isArray) {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null)
      return { path, what: `a ${proto?.constructor?.name ?? 'non-plain'} object` };
  }
  open.add(value);
  try {
    if (isArray) {
      for (let i = 0; i < value.length; i++) {
        const found = visit(value[i], [...path, i], open);
        if (found) return found;
      }
    } else {
      for (const [key, item] of Object.entries(value)) {
        const found = visit(item, [...path, key], open);
        if (found) return found;
      }
    }
    return undefined;
  } finally {
    open.delete(value);
  }
}
