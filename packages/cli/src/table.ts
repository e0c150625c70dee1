import { cellWidth } from './cellWidth.js';

/**
 * Formats rows as left-aligned columns separated by two spaces. Widths are terminal cells
 * (emoji count two, colour codes none), so icons do not push columns out of line.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) =>
    Math.max(cellWidth(h), ...rows.map((r) => cellWidth(r[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - cellWidth(c))))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
