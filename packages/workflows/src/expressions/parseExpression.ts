import { ExpressionError } from './ExpressionError.js';

/**
 * The expression language of `${{ }}`: literals (numbers, 'strings' or "strings", true, false,
 * null), paths (`inputs.version`, `steps.tests.output.coverage`, `memory['api-contract']`),
 * `!`, `== != < <= > >=`, `&& ||`, parentheses, and a few functions (`contains`, `startsWith`,
 * `endsWith`, `length`, `join`, `toJSON`, `fromJSON`, `number`). No `eval`, no calls of user code.
 */
export type Expr =
  | { readonly type: 'literal'; readonly value: unknown; readonly at: number }
  | {
      readonly type: 'path';
      readonly root: string;
      readonly keys: readonly (string | number)[];
      readonly at: number;
    }
  | { readonly type: 'not'; readonly operand: Expr; readonly at: number }
  | {
      readonly type: 'binary';
      readonly op: BinaryOp;
      readonly left: Expr;
      readonly right: Expr;
      readonly at: number;
    }
  | {
      readonly type: 'call';
      readonly name: string;
      readonly args: readonly Expr[];
      readonly at: number;
    };

export type BinaryOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

type Token =
  | { kind: 'num'; value: number; at: number }
  | { kind: 'str'; value: string; at: number }
  | { kind: 'id'; value: string; at: number }
  | { kind: 'op'; value: string; at: number }
  | { kind: 'end'; at: number };

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '.', '[', ']', '(', ')', ','];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^-?\d+(\.\d+)?/.exec(source.slice(i))!;
      tokens.push({ kind: 'num', value: Number(m[0]), at: i });
      i += m[0].length;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let value = '';
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\' && j + 1 < source.length) j++;
        value += source[j];
        j++;
      }
      if (j >= source.length) throw new ExpressionError(source, i, 'unterminated string');
      tokens.push({ kind: 'str', value, at: i });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'id', value: m[0], at: i });
      i += m[0].length;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (op === undefined) throw new ExpressionError(source, i, `unexpected character "${c}"`);
      tokens.push({ kind: 'op', value: op, at: i });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', at: source.length });
  return tokens;
}

/** Parses the text between `${{` and `}}`. */
export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const next = () => tokens[pos++]!;
  const isOp = (value: string) => {
    const t = peek();
    return t.kind === 'op' && t.value === value;
  };
  const expect = (value: string) => {
    const t = next();
    if (t.kind !== 'op' || t.value !== value)
      throw new ExpressionError(source, t.at, `expected "${value}"`);
  };

  const binary = (ops: readonly BinaryOp[], operand: () => Expr) => (): Expr => {
    let left = operand();
    for (;;) {
      const t = peek();
      if (t.kind !== 'op' || !(ops as readonly string[]).includes(t.value)) return left;
      next();
      left = { type: 'binary', op: t.value as BinaryOp, left, right: operand(), at: t.at };
    }
  };

  const primary = (): Expr => {
    const t = next();
    switch (t.kind) {
      case 'num':
      case 'str':
        return { type: 'literal', value: t.value, at: t.at };
      case 'id': {
        if (t.value === 'true' || t.value === 'false')
          return { type: 'literal', value: t.value === 'true', at: t.at };
        if (t.value === 'null') return { type: 'literal', value: null, at: t.at };
        if (isOp('(')) {
          next();
          const args: Expr[] = [];
          if (!isOp(')')) {
            do args.push(or());
            while (isOp(',') && next());
          }
          expect(')');
          return { type: 'call', name: t.value, args, at: t.at };
        }
        const keys: (string | number)[] = [];
        for (;;) {
          if (isOp('.')) {
            next();
            const key = next();
            if (key.kind !== 'id' && key.kind !== 'num')
              throw new ExpressionError(source, key.at, 'expected a name after "."');
            keys.push(key.value);
          } else if (isOp('[')) {
            next();
            const key = next();
            if (key.kind !== 'str' && key.kind !== 'num')
              throw new ExpressionError(source, key.at, 'expected a string or number in [ ]');
            keys.push(key.value);
            expect(']');
          } else break;
        }
        return { type: 'path', root: t.value, keys, at: t.at };
      }
      case 'op':
        if (t.value === '(') {
          const inner = or();
          expect(')');
          return inner;
        }
        if (t.value === '!') return { type: 'not', operand: unary(), at: t.at };
        throw new ExpressionError(source, t.at, `unexpected "${t.value}"`);
      case 'end':
        throw new ExpressionError(source, t.at, 'unexpected end of expression');
    }
  };
  const unary = (): Expr => primary();
  const comparison = binary(['==', '!=', '<', '<=', '>', '>='], unary);
  const and = binary(['&&'], comparison);
  const or: () => Expr = binary(['||'], and);

  const expr = or();
  const rest = peek();
  if (rest.kind !== 'end')
    throw new ExpressionError(source, rest.at, 'unexpected text after the expression');
  return expr;
}
