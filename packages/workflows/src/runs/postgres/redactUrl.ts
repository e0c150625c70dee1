/**
 * A connection URL fit to show: its password, if any, replaced by `***`. Text that is not a URL
 * comes back with everything between `://` and the last `@` hidden, so that a malformed URL
 * never shows a password either.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^/@]*?:)[^/]*@/, '$1***@');
  }
}
