/** Name and date helpers the emulated hosts share, each following the Logseq or SDK code cited. */
import { formatLogseqDate } from '@tta-dev/workflows/journal';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
/** The cljs-time tokens of a date format, as `formatLogseqDate` writes them. */
const TOKEN = /'[^']*'|yyyy|yy|MMMM|MMM|MM|M|do|dd|d|EEEE|EEE|E/g;

/** A journal day (`20261201`) in a cljs-time date format (`MMM do, yyyy`). */
export function formatJournalDay(day: number, format: string): string {
  const text = String(day);
  return formatLogseqDate(`${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`, format);
}

/**
 * The journal day a page title names in one of the formats, or undefined: a title is a journal
 * when it reads as a date and writes back the same (case aside), as
 * `date-time-util/journal-title->int` does (2.0.1 deps/common/src/logseq/common/util/date_time.cljs).
 */
export function journalDayOf(title: string, formats: readonly string[]): number | undefined {
  for (const format of formats) {
    const groups: string[] = [];
    const source = format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(TOKEN, (token) => {
      groups.push(token);
      if (token.startsWith("'")) return token.slice(1, -1);
      if (token === 'yyyy') return '(\\d{4})';
      if (token === 'MMMM' || token === 'MMM') return '([A-Za-z]+)';
      if (token.startsWith('E')) return '([A-Za-z]+)';
      if (token === 'do') return '(\\d{1,2})(?:st|nd|rd|th)';
      return '(\\d{1,2})';
    });
    const match = new RegExp(`^${source}$`, 'i').exec(title.trim());
    if (!match) continue;
    let [year, month, date] = [0, 0, 0];
    groups
      .filter((t) => !t.startsWith("'"))
      .forEach((token, i) => {
        const value = match[i + 1] ?? '';
        if (token === 'yyyy') year = Number(value);
        else if (token === 'yy') year = 2000 + Number(value);
        else if (token === 'MMMM' || token === 'MMM')
          month =
            MONTHS.findIndex((m) =>
              (token === 'MMM' ? m.slice(0, 3) : m).toLowerCase().startsWith(value.toLowerCase()),
            ) + 1;
        else if (token === 'MM' || token === 'M') month = Number(value);
        else if (token === 'dd' || token === 'd' || token === 'do') date = Number(value);
      });
    const day = year * 10000 + month * 100 + date;
    if (month >= 1 && formatJournalDay(day, format).toLowerCase() === title.trim().toLowerCase())
      return day;
  }
  return undefined;
}

/** The local day of a JS Date as `20261130`. */
export function localJournalDay(date: Date): number {
  return date.getFullYear() * 10000 + (date.getMonth() + 1) * 100 + date.getDate();
}

/**
 * `snake-case` (v3, what `libs/src/helpers.ts` `safeSnakeCase` is): split on lower→upper and
 * UPPER→Upper boundaries, strip other characters to `_`, lower-case.
 */
export function snakeCase(input: string): string {
  return input
    .replace(/([a-z0-9])([A-Z])/g, '$1\0$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1\0$2')
    .replace(/[^A-Za-z0-9]+/g, '\0')
    .split('\0')
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase())
    .join('_');
}

/** camel-snake-kebab `->camelCase`, as `sdk-utils/normalize-keyword-for-json` applies it. */
export function camelCase(input: string): string {
  const words = input
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[-_\s]+/)
    .filter((w) => w !== '');
  return words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
}

/** camel-snake-kebab `->snake_case`, as the electron server resolves `logseq.X.y` names. */
export function cskSnakeCase(input: string): string {
  return input
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[-_\s]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase())
    .join('_');
}

/**
 * `page-name-sanity-lc` (0.10.15 deps/graph-parser/src/logseq/graph_parser/util.cljs:162, the
 * same in 2.0.1 logseq.common.util): lower-cased, boundary slashes removed, NFC-normalized.
 */
export function pageNameSanityLc(name: string): string {
  let s = name.toLowerCase();
  if (s.startsWith('/')) s = s.slice(1);
  if (s.endsWith('/')) s = s.slice(0, -1);
  return s.normalize('NFC');
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `sdk-utils/uuid-or-throw-error` (0.10.15 src/main/logseq/sdk/utils.cljs:21, 2.0.1 the same). */
export function uuidOrThrow(s: unknown): string {
  if (typeof s === 'string' && UUID.test(s)) return s.toLowerCase();
  throw new Error(`${s === null || s === undefined ? '' : String(s)} is not a valid UUID string.`);
}

/** A random v4 uuid, from Web Crypto (browser and Node alike). */
export function newUuid(): string {
  return globalThis.crypto.randomUUID();
}
