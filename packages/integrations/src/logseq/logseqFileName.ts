/**
 * Page names as Logseq's file graphs name their files (`frontend.util.fs/file-name-sanity`), so
 * that the file we write is the one Logseq would write for the page and finds again.
 *
 * `:triple-lowbar` (`:file/name-format` of graphs made since Logseq 0.8.9): a namespace `/` is
 * `___`; the reserved characters `: * ? " < > | # \` and a `%` that would read as an escape are
 * percent-encoded; a leading `.` is `%2E`; lowbars that would be ambiguous are `%5F`. The legacy
 * format (no `:file/name-format` in config.edn) percent-encodes `/` too.
 */
export type LogseqFileNameFormat = 'triple-lowbar' | 'legacy';

const RESERVED = /[:*?"<>|#\\]+/g;
const URL_ENCODED = /%[0-9a-f]{2}/gi;
const WINDOWS_RESERVED = new Set([
  'CON',
  'PRN',
  'AUX',
  'NUL',
  ...Array.from({ length: 9 }, (_, i) => `COM${i + 1}`),
  ...Array.from({ length: 9 }, (_, i) => `LPT${i + 1}`),
]);

/** The file body (without `.md`) Logseq gives a page. */
export function pageFileBody(
  pageName: string,
  format: LogseqFileNameFormat = 'triple-lowbar',
): string {
  const name = pageName.replace(/^\/|\/$/g, '').normalize('NFC');
  if (format === 'legacy')
    return name
      .replace(/[\\#|%]+/g, encode)
      .replace(/[:*?"<>|]+/g, encode)
      .replace(/\//g, encode)
      .replace(/\*/g, '%2A');
  let body = name
    .replace(URL_ENCODED, (m) => m.replace('%', '%25'))
    .replace(RESERVED, encode)
    .replace(/^\./, '%2E');
  // Windows refuses these names and names ending with a dot: Logseq appends a namespace slash.
  if (WINDOWS_RESERVED.has(body) || body.endsWith('.')) body = `${body}/`;
  return body
    .replace(/___/g, (m) => m.replace(/_/g, '%5F'))
    .replace(/_\//g, '%5F/')
    .replace(/\/_/g, '/%5F')
    .replace(/\//g, '___');
}

/** The page title Logseq reads from a `:triple-lowbar` file body (`title-parsing`). */
export function pageNameOfFileBody(body: string): string {
  return body
    .replace(/___/g, '/')
    .replace(URL_ENCODED, (m) => {
      try {
        return decodeURIComponent(m);
      } catch {
        return m;
      }
    })
    .replace(/^\/|\/$/g, '');
}

function encode(text: string): string {
  return encodeURIComponent(text).replace(/\*/g, '%2A');
}
