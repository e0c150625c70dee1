/** Environment to expand references from; `process.env` fits. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

export interface Expansion {
  readonly value: string;
  /** Why a reference could not be expanded; empty when all were. */
  readonly problems: readonly string[];
}

const REFERENCE_BODY = /^(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Expands the environment references in one string, as Claude Code does in `.mcp.json`:
 * `${VAR}` is the value of VAR, `${VAR:-default}` is VAR's value when it is set and not empty,
 * else `default`. Cursor's `${env:VAR}` is read the same way. A reference to an unset variable
 * without a default, an unterminated `${`, a nested reference or any other `${...}` (such as VS
 * Code's `${input:id}`) is a problem; `$VAR` without braces is left as it is.
 */
export function expandEnv(value: string, env: EnvSource): Expansion {
  const problems: string[] = [];
  let out = '';
  let from = 0;
  for (;;) {
    const start = value.indexOf('${', from);
    if (start < 0) {
      out += value.slice(from);
      break;
    }
    out += value.slice(from, start);
    const end = value.indexOf('}', start + 2);
    if (end < 0) {
      problems.push(`unterminated reference "${value.slice(start)}" (expected "}")`);
      out += value.slice(start);
      break;
    }
    const body = value.slice(start + 2, end);
    from = end + 1;
    const match = REFERENCE_BODY.exec(body);
    if (match === null) {
      problems.push(
        `unsupported reference "\${${body}}" (use \${VAR} or \${VAR:-default}, VAR being a variable name)`,
      );
      out += value.slice(start, end + 1);
      continue;
    }
    const name = match[1]!;
    const fallback = match[2];
    if (fallback?.includes('${')) {
      problems.push(`nested reference in "\${${body}}..." is not supported`);
      out += value.slice(start, end + 1);
      continue;
    }
    const set = env[name];
    if (fallback !== undefined) out += set === undefined || set === '' ? fallback : set;
    else if (set !== undefined) out += set;
    else
      problems.push(
        `environment variable "${name}" is not set (write \${${name}:-default} to give a default)`,
      );
  }
  return { value: out, problems };
}
