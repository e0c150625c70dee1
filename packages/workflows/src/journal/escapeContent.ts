/** A line Logseq reads as a property (`key:: value`). */
const PROPERTY = /^[ \t]*([^\s:]+)::(?:[ \t]+(.*?))?[ \t]*$/;
/** A line that opens or closes fenced code. */
const FENCE = /^[ \t]*(`{3,}|~{3,})/;

/**
 * Content lines that Logseq would otherwise read as something else: outside fenced code, a line
 * starting with `-` would open a block and one starting with `#` a heading block (both get a
 * `\` escape, which Logseq shows as the plain character), and `key:: value` would be a property
 * (its `::` gets a zero-width space).
 */
export function escapeContent(content: string): string[] {
  let fence = false;
  return content
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line, i) => {
      if (FENCE.test(line)) {
        fence = !fence;
        return line;
      }
      if (fence) return line;
      let out = PROPERTY.test(line) ? line.replace('::', ':\u200b:') : line;
      if (i > 0 && /^[ \t]*(-(\s|$)|#{1,6}(\s|$))/.test(out))
        out = out.replace(/^([ \t]*)/, '$1\\');
      return out;
    });
}
