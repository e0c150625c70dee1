import { type Document, isMap, isScalar, isSeq, type LineCounter } from 'yaml';

/** A 1-based line and column in a file, when known. */
export interface FieldPosition {
  readonly line?: number;
  readonly column?: number;
}

type Path = readonly (string | number)[];

/**
 * Where the field at `path` is written in a parsed YAML or JSON document: the key that names it
 * (so a bad value and a missing child both point at the line naming the field), a list item,
 * or its nearest ancestor that the file has. With `key`, the key `key` of the map at `path`
 * (an unknown field, say). Shared by every loader of user files, so their errors agree.
 */
export function fieldPosition(
  doc: Document,
  lines: LineCounter,
  path: Path,
  key?: string,
): FieldPosition {
  const keyAt = key === undefined ? undefined : keyOffset(doc, path, key);
  return offsetPosition(lines, keyAt ?? nodeOffset(doc, path));
}

/** The line and column of a character offset, by a `LineCounter` that has seen the text. */
export function offsetPosition(lines: LineCounter, offset: number | undefined): FieldPosition {
  if (offset === undefined) return {};
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function nodeOffset(doc: Document, path: Path): number | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
    const key = path[depth - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    } else if (isSeq(parent) && typeof key === 'number') {
      const item = parent.items[key] as { range?: [number, number, number] } | undefined;
      if (item?.range) return item.range[0];
    }
  }
  return doc.contents?.range?.[0];
}

function keyOffset(doc: Document, path: Path, key: string): number | undefined {
  const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
}
