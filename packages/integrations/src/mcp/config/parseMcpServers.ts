import { fieldPosition, locateZodIssue, offsetPosition } from '@tta-dev/personas';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import { LineCounter, parseDocument } from 'yaml';
import { type EnvSource, expandEnv } from './expandEnv.js';
import { McpConfigError, type McpConfigIssue } from './McpConfigError.js';
import {
  type McpServerConfig,
  type McpServersConfig,
  McpServersConfigSchema,
  mcpServerUrlProblem,
} from './McpServersConfig.js';

type Path = readonly (string | number)[];

/**
 * Parses and validates the text of an MCP servers file (strict JSON), then expands the `${VAR}`
 * and `${VAR:-default}` references in command, args, env values, cwd, url and header values from
 * `env`. Every problem (JSON syntax, schema, an unset variable) is reported with the file, line,
 * column and dotted field path in one `McpConfigError`.
 */
export function parseMcpServers(
  file: string,
  text: string,
  env: EnvSource = process.env,
): McpServersConfig {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = new LineCounter();
  const fail = (issues: McpConfigIssue[]): never => {
    throw new McpConfigError(file, issues);
  };

  const syntax = syntaxIssue(source);
  if (syntax !== undefined) fail([syntax]);
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (error) {
    fail([{ path: '', message: (error as Error).message }]);
  }

  // yaml reads JSON and keeps the position of every node: the way to a line for a field path.
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const duplicates = doc.errors.filter((e) => e.code === 'DUPLICATE_KEY');
  if (duplicates.length > 0)
    fail(
      duplicates.map((e) => ({
        path: '',
        ...offsetPosition(lines, e.pos[0]),
        message: `duplicate key ${/^"(?:[^"\\]|\\.)*"/.exec(source.slice(e.pos[0]))?.[0] ?? ''}: JSON keeps only the last`,
      })),
    );

  const result = McpServersConfigSchema.safeParse(data);
  if (!result.success)
    fail(result.error.issues.flatMap((issue) => locateZodIssue(doc, lines, issue)));

  const issues: McpConfigIssue[] = [];
  const at = (path: Path, message: string) =>
    issues.push({ path: path.join('.'), ...fieldPosition(doc, lines, path), message });
  const expand = (path: Path, value: string): string => {
    const { value: expanded, problems } = expandEnv(value, env);
    for (const problem of problems) at(path, problem);
    return expanded;
  };
  const expandMap = (path: Path, map: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(map).map(([k, v]) => [k, expand([...path, k], v)]));

  const servers: Record<string, McpServerConfig> = {};
  for (const [name, server] of Object.entries(result.data!.mcpServers)) {
    const base = ['mcpServers', name];
    if (server.transport === 'stdio') {
      servers[name] = {
        transport: 'stdio',
        command: expand([...base, 'command'], server.command),
        args: server.args.map((arg, i) => expand([...base, 'args', i], arg)),
        env: expandMap([...base, 'env'], server.env),
        ...(server.cwd === undefined ? {} : { cwd: expand([...base, 'cwd'], server.cwd) }),
      };
    } else {
      const url = expand([...base, 'url'], server.url);
      const problem = server.url.includes('${') ? mcpServerUrlProblem(url) : undefined;
      if (problem !== undefined) at([...base, 'url'], `after expansion, ${problem}`);
      servers[name] = {
        transport: 'http',
        url,
        headers: expandMap([...base, 'headers'], server.headers),
      };
    }
  }
  if (issues.length > 0) fail(issues);
  return { mcpServers: servers };
}

/** The first JSON syntax error, located; `undefined` for well-formed JSON. */
function syntaxIssue(text: string): McpConfigIssue | undefined {
  if (text.trim() === '')
    return { path: '', message: 'the file is empty (expected {"mcpServers": {...}})' };
  const errors: ParseError[] = [];
  parseJsonc(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first === undefined) return undefined;
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return {
    path: '',
    ...offsetPosition(lines, first.offset),
    message: `invalid JSON: ${syntaxMessage(printParseErrorCode(first.error), text.charAt(first.offset))}`,
  };
}

function syntaxMessage(code: string, char: string): string {
  switch (code) {
    case 'PropertyNameExpected':
      return char === '}'
        ? 'trailing comma before "}"'
        : 'expected a property name in double quotes';
    case 'ValueExpected':
      if (char === ']') return 'trailing comma before "]"';
      return char === '' ? 'unexpected end of file' : 'expected a value';
    case 'ColonExpected':
      return 'expected ":" after the property name';
    case 'CommaExpected':
      return 'expected "," between two members';
    case 'CloseBraceExpected':
      return 'expected "}"';
    case 'CloseBracketExpected':
      return 'expected "]"';
    case 'EndOfFileExpected':
      return 'unexpected text after the end of the JSON value';
    case 'InvalidCommentToken':
      return 'comments are not allowed in JSON';
    case 'UnexpectedEndOfComment':
      return 'unterminated comment';
    case 'UnexpectedEndOfString':
      return 'unterminated string';
    case 'UnexpectedEndOfNumber':
    case 'InvalidNumberFormat':
      return 'invalid number';
    case 'InvalidUnicode':
      return 'invalid \\u escape';
    case 'InvalidEscapeCharacter':
      return 'invalid escape character';
    case 'InvalidCharacter':
      return 'invalid character in a string (control characters must be escaped)';
    case 'InvalidSymbol':
      if (char === "'") return 'use double quotes (") for names and strings';
      return `unexpected character ${JSON.stringify(char)}`;
    default:
      return `unexpected ${char === '' ? 'end of file' : `character ${JSON.stringify(char)}`}`;
  }
}
