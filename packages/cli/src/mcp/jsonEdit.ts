import { TtaError } from '@tta-dev/core/errors';
import {
  getNodeValue,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';

/** The text is not JSON (or not JSONC, where comments are allowed); nothing was changed. */
export class JsonSyntaxError extends TtaError {
  override readonly name = 'JsonSyntaxError';
  readonly code = 'TTA_JSON_SYNTAX' as const;

  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${line}:${column}: ${reason}`);
  }
}

/** The JSON is well formed but not shaped as expected (e.g. the container is a list). */
export class JsonShapeError extends TtaError {
  override readonly name = 'JsonShapeError';
  readonly code = 'TTA_JSON_SHAPE' as const;

  constructor(
    readonly line: number,
    readonly column: number,
    reason: string,
  ) {
    super(reason);
  }
}

export interface SetMemberOptions {
  /** Accept `//` and block comments and trailing commas (JSONC, as VS Code's files are). */
  readonly jsonc?: boolean;
}

export interface SetMemberResult {
  /** The new text (equal to the old one when `action` is `unchanged`). */
  readonly text: string;
  readonly action: 'added' | 'replaced' | 'unchanged';
  /** The value that was there before, when one was replaced. */
  readonly previous?: unknown;
}

/**
 * Sets `text[container][name] = value` in the text of a JSON object, by editing only the text of
 * that one member: every other key, value, comment, blank line and the file's indentation and
 * line endings stay byte for byte as they were. A missing `container` is added; the new member
 * is indented like its siblings (or one step in from its parent), on one line in a file written
 * on one line. Empty or blank text becomes a new two-space-indented document.
 *
 * Throws `JsonSyntaxError` (with line and column) when the text is not valid JSON (JSONC with
 * `jsonc`), and `JsonShapeError` when the top level or `container` is not an object.
 */
export function setJsonMember(
  text: string,
  container: string,
  name: string,
  value: unknown,
  options: SetMemberOptions = {},
): SetMemberResult {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = bom === '' ? text : text.slice(1);
  if (body.trim() === '' || body.trim() === '{}')
    return {
      text: `${bom}${JSON.stringify({ [container]: { [name]: value } }, null, 2)}\n`,
      action: 'added',
    };

  const root = parse(body, options);
  if (root.type !== 'object')
    throw new JsonShapeError(...lineCol(body, root.offset), 'the top level is not a JSON object');
  const style = detectStyle(body);
  const edits: Edit[] = [];

  const holder = lastProperty(root, container);
  let previous: unknown;
  let action: SetMemberResult['action'] = 'added';
  if (holder === undefined) {
    edits.push(...insertMember(body, style, root, container, { [name]: value }));
  } else {
    const servers = holder.children?.[1];
    if (servers?.type !== 'object')
      throw new JsonShapeError(
        ...lineCol(body, holder.offset),
        `"${container}" is ${describeNode(servers)}, not an object`,
      );
    const entry = lastProperty(servers, name);
    if (entry === undefined) {
      edits.push(...insertMember(body, style, servers, name, value));
    } else {
      const old = entry.children?.[1];
      if (old === undefined) throw new Error(`internal: property "${name}" has no value`);
      previous = getNodeValue(old);
      if (sameJson(previous, value)) return { text, action: 'unchanged', previous };
      action = 'replaced';
      const rendered = ownLine(body, entry.offset)
        ? render(style, value, lineIndent(body, entry.offset))
        : inline(style, value);
      edits.push({ offset: old.offset, length: old.length, content: rendered });
    }
  }

  const edited = bom + apply(body, edits);
  // The result is checked: the whole document must read as before, but for the one member. So
  // no bug here can ever leave a broken or disturbed file behind.
  const before = getNodeValue(root) as Record<string, unknown>;
  const expected = {
    ...before,
    [container]: { ...(before[container] as Record<string, unknown> | undefined), [name]: value },
  };
  if (!sameJson(getNodeValue(parse(edited.slice(bom.length), options)), expected))
    throw new Error(`internal: editing "${container}.${name}" did not give the expected JSON`);
  return { text: edited, action, ...(previous === undefined ? {} : { previous }) };
}

/** Equality of JSON values (jsonc-parser builds objects without a prototype). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) =>
        Object.hasOwn(b, k) &&
        sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

interface Edit {
  readonly offset: number;
  readonly length: number;
  readonly content: string;
}

interface Style {
  readonly eol: string;
  /** One step of indentation: a tab or some spaces. */
  readonly unit: string;
  /** The whole document is on one line. */
  readonly compact: boolean;
}

function parse(body: string, options: SetMemberOptions): Node {
  const errors: ParseError[] = [];
  const root = parseTree(body, errors, {
    disallowComments: options.jsonc !== true,
    allowTrailingComma: options.jsonc === true,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first !== undefined || root === undefined) {
    const offset = first?.offset ?? 0;
    throw new JsonSyntaxError(
      ...lineCol(body, offset),
      syntaxReason(
        first === undefined ? '' : printParseErrorCode(first.error),
        body.charAt(offset),
      ),
    );
  }
  return root;
}

function syntaxReason(code: string, char: string): string {
  if (code === 'InvalidCommentToken') return 'comments are not allowed in JSON';
  if (code === 'PropertyNameExpected' && char === '}') return 'trailing comma before "}"';
  if (code === 'ValueExpected' && char === ']') return 'trailing comma before "]"';
  if (char === '') return 'unexpected end of file';
  const words = code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `${words || 'invalid JSON'} (at ${JSON.stringify(char)})`;
}

function describeNode(node: Node | undefined): string {
  if (node === undefined) return 'empty';
  if (node.type === 'array') return 'a list';
  return node.type === 'null' ? 'null' : `a ${node.type}`;
}

/** The last property named `key` of an object node (the one JSON readers keep). */
function lastProperty(object: Node, key: string): Node | undefined {
  return (object.children ?? []).findLast((p) => p.children?.[0]?.value === key);
}

function detectStyle(body: string): Style {
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const compact = !body.trim().includes('\n');
  // The first line that starts with a key, a string or a bracket after some indentation.
  const indented = /^([ \t]+)["{}[\]]/m.exec(body)?.[1];
  const unit = indented === undefined ? '  ' : indented.startsWith('\t') ? '\t' : indented;
  return { eol, unit, compact };
}

/** The edits that add `"key": value` as the last member of `object`. */
function insertMember(
  body: string,
  style: Style,
  object: Node,
  key: string,
  value: unknown,
): Edit[] {
  const members = object.children ?? [];
  const last = members[members.length - 1];
  if (last === undefined) {
    const open = object.offset;
    const close = object.offset + object.length - 1;
    if (style.compact)
      return [
        { offset: open + 1, length: 0, content: `${JSON.stringify(key)}:${JSON.stringify(value)}` },
      ];
    const base = lineIndent(body, open);
    const inner = base + style.unit;
    const edits: Edit[] = [
      {
        offset: open + 1,
        length: 0,
        content: `${style.eol}${inner}${member(style, key, value, inner)}`,
      },
    ];
    if (!body.slice(open + 1, close).includes('\n'))
      edits.push({ offset: close, length: 0, content: `${style.eol}${base}` });
    return edits;
  }

  const end = last.offset + last.length;
  const after = afterMember(body, end);
  if (style.compact || !ownLine(body, last.offset)) {
    const text = style.compact
      ? `${JSON.stringify(key)}:${JSON.stringify(value)}`
      : `${JSON.stringify(key)}: ${inline(style, value)}`;
    return after.comma === undefined
      ? [{ offset: end, length: 0, content: `,${style.compact ? '' : ' '}${text}` }]
      : [{ offset: after.comma + 1, length: 0, content: `${style.compact ? '' : ' '}${text}` }];
  }
  const base = lineIndent(body, last.offset);
  const edits: Edit[] = [];
  if (after.comma === undefined) edits.push({ offset: end, length: 0, content: ',' });
  edits.push({
    offset: after.lineEnd,
    length: 0,
    content: `${style.eol}${base}${member(style, key, value, base)}`,
  });
  return edits;
}

/**
 * What follows a member on its line: the offset of a trailing comma (JSONC), and the offset where
 * the line's content ends (after the comma and any comment on the same line).
 */
function afterMember(body: string, end: number): { comma?: number; lineEnd: number } {
  let comma: number | undefined;
  let lineEnd = end;
  let i = end;
  while (i < body.length) {
    const c = body[i];
    if (c === ' ' || c === '\t') i++;
    else if (c === ',' && comma === undefined) {
      comma = i;
      lineEnd = ++i;
    } else if (body.startsWith('//', i)) {
      const nl = body.indexOf('\n', i);
      lineEnd = nl < 0 ? body.length : body[nl - 1] === '\r' ? nl - 1 : nl;
      break;
    } else if (body.startsWith('/*', i)) {
      const close = body.indexOf('*/', i + 2);
      if (close < 0 || body.slice(i, close).includes('\n')) break;
      lineEnd = i = close + 2;
    } else break;
  }
  return comma === undefined ? { lineEnd } : { comma, lineEnd };
}

const member = (style: Style, key: string, value: unknown, base: string) =>
  `${JSON.stringify(key)}: ${render(style, value, base)}`;

/** `value` as indented JSON whose first line continues a line indented by `base`. */
function render(style: Style, value: unknown, base: string): string {
  if (style.compact) return JSON.stringify(value);
  return JSON.stringify(value, null, style.unit)
    .split('\n')
    .join(style.eol + base);
}

/** `value` on one line, spaced as people write it: `{"a": 1, "b": ["x"]}`. */
function inline(style: Style, value: unknown): string {
  if (style.compact) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => inline(style, v)).join(', ')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${inline(style, v)}`)
      .join(', ')}}`;
  return JSON.stringify(value);
}

function lineStart(body: string, offset: number): number {
  return body.lastIndexOf('\n', offset - 1) + 1;
}

/** The whitespace that starts the line holding `offset`. */
function lineIndent(body: string, offset: number): string {
  return /^[ \t]*/.exec(body.slice(lineStart(body, offset), offset))?.[0] ?? '';
}

/** Whether only whitespace precedes `offset` on its line. */
function ownLine(body: string, offset: number): boolean {
  return body.slice(lineStart(body, offset), offset).trim() === '';
}

function lineCol(body: string, offset: number): [number, number] {
  const start = lineStart(body, offset);
  return [body.slice(0, start).split('\n').length, offset - start + 1];
}

/** Applies edits given in text order; edits at the same offset appear in the order given. */
function apply(body: string, edits: readonly Edit[]): string {
  let out = body;
  const order = edits.map((edit, index) => ({ edit, index }));
  order.sort((a, b) => b.edit.offset - a.edit.offset || b.index - a.index);
  for (const { edit } of order)
    out = out.slice(0, edit.offset) + edit.content + out.slice(edit.offset + edit.length);
  return out;
}
