/**
 * A property of a page or block as the SDK returns it: file graphs give camelCase keys (`runId`),
 * DB graphs namespaced ones (`:plugin.property.<plugin>/run-id`); a value may be a list (page
 * links). Gives the first text value.
 */
export function propertyOf(
  properties: Record<string, unknown> | undefined,
  key: string,
): string | undefined {
  if (properties === undefined) return undefined;
  const camel = key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  for (const [name, value] of Object.entries(properties)) {
    const bare = name.replace(/^:/, '');
    if (bare !== key && bare !== camel && !bare.endsWith(`/${key}`)) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' || typeof first === 'number') return String(first);
  }
  return undefined;
}
