/**
 * A connection URL as it may be shown: its password (and a `password=` query parameter) replaced
 * by `***`. Something that is no URL is shown as `(unparsable URL)`, since it may hold a secret.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(unparsable URL)';
  }
  if (parsed.password !== '') parsed.password = '***';
  for (const name of [...parsed.searchParams.keys()])
    if (/pass|secret|token/i.test(name)) parsed.searchParams.set(name, '***');
  return parsed.toString().replaceAll('%2A%2A%2A', '***');
}

/** The secrets a connection URL carries (its password, decoded and as written), to scrub from text. */
export function secretsOfUrl(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const found = new Set<string>();
  const add = (raw: string) => {
    if (raw === '') return;
    found.add(raw);
    try {
      found.add(decodeURIComponent(raw));
    } catch {
      // a malformed escape: the raw form is scrubbed
    }
  };
  add(parsed.password);
  for (const [name, value] of parsed.searchParams) if (/pass|secret|token/i.test(name)) add(value);
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with every secret of `url` replaced by `***`, and the URL itself by its redacted form. */
export function scrubUrl(text: string, url: string): string {
  let out = text.replaceAll(url, redactUrl(url));
  for (const secret of secretsOfUrl(url)) out = out.replaceAll(secret, '***');
  return out;
}
