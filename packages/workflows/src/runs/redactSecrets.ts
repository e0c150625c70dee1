/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Values given in `secrets` shorter than this are not searched for: replacing every "true" or
 * "1234" in a log would hide more than it protects.
 */
export const MIN_SECRET_LENGTH = 6;

export interface RedactOptions {
  /**
   * Exact values to replace wherever they occur inside a string: typically the values of the
   * secret environment variables the run can see (`secretValuesFromEnv(process.env)`). Values
   * shorter than `MIN_SECRET_LENGTH` are ignored. Default: none.
   */
  secrets?: Iterable<string>;
}

/** Last words of a key that always name a secret: `GITHUB_TOKEN`, `clientSecret`, `password`. */
const SECRET_WORDS = new Set([
  'token',
  'secret',
  'password',
  'passwd',
  'passphrase',
  'authorization',
  'cookie',
  'credential',
  'credentials',
  'pat',
]);

/** Words before a camelCase `Key` that make it a secret (`apiKey`, but not `cacheKey`). */
const KEY_QUALIFIERS = new Set([
  'api',
  'private',
  'secret',
  'access',
  'signing',
  'encryption',
  'client',
  'auth',
  'master',
  'session',
]);

/**
 * Whether a property or environment variable name holds a secret. Case-insensitive: names ending
 * in a token, secret or password word (`NPM_TOKEN`, `accessToken`, `DB_PASSWORD`,
 * `authorization`), and `*_KEY` / `*-key` (`OPENAI_API_KEY`, `x-api-key`). A camelCase `…Key` is
 * a secret only after a qualifier such as `api` or `private`: `apiKey` is, `cacheKey` and
 * `idempotencyKey` are not. `key` alone is not.
 */
export function isSecretKey(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
  const last = words.at(-1);
  if (last === undefined) return false;
  if (SECRET_WORDS.has(last)) return true;
  if (last !== 'key' || words.length < 2) return false;
  // `*_KEY`, `*-key`, `*.key`: a separator right before "key".
  if (/[^A-Za-z0-9]key$/i.test(name)) return true;
  return KEY_QUALIFIERS.has(words.at(-2) ?? '');
}

/** Secrets recognisable by their shape, each with what replaces the match. */
const SECRET_PATTERNS: readonly {
  readonly pattern: RegExp;
  readonly replace: string | ((match: string, ...groups: string[]) => string);
}[] = [
  // PEM private keys, whole block.
  {
    pattern: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g,
    replace: REDACTED,
  },
  // GitHub: classic personal (ghp_), OAuth (gho_), user-to-server (ghu_), server (ghs_), refresh (ghr_).
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g, replace: REDACTED },
  // GitHub fine-grained personal access tokens.
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}/g, replace: REDACTED },
  // npm access tokens.
  { pattern: /\bnpm_[A-Za-z0-9]{36}\b/g, replace: REDACTED },
  // AWS access key ids (long-term AKIA, temporary ASIA).
  { pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, replace: REDACTED },
  // Anthropic API keys.
  { pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, replace: REDACTED },
  // An Authorization header written out: `Authorization: Basic dXNlcjpw`, `-H "authorization: token x"`.
  {
    pattern:
      /\b((?:proxy-)?authorization\s*[:=]\s*)(?:(basic|bearer|token|digest|negotiate)\s+)?[^\s'",;]+/gi,
    replace: (_match, header: string, scheme: string | undefined) =>
      `${header}${scheme === undefined ? '' : `${scheme} `}${REDACTED}`,
  },
  // A bearer token elsewhere; 16 characters at least, so that prose ("the bearer of") survives.
  { pattern: /\b(bearer)\s+[A-Za-z0-9\-._~+/]{16,}=*/gi, replace: `$1 ${REDACTED}` },
  // Credentials in a URL: https://user:password@host.
  {
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)[^\s@/]+@/gi,
    replace: `$1${REDACTED}@`,
  },
  // An assignment of a secret variable: `NPM_TOKEN=abc npm publish`, `export AWS_SECRET_ACCESS_KEY=…`.
  {
    pattern: /\b([A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|_KEY))=(?!\[redacted\])[^\s'"]+/g,
    replace: `$1=${REDACTED}`,
  },
];

/** Replaces the secrets inside one string: known shapes and the given values. */
export function redactString(text: string, options: RedactOptions = {}): string {
  return redactText(text, secretList(options.secrets));
}

/**
 * A deep copy of `value` with every secret replaced by `"[redacted]"`, for values about to be
 * stored or logged. A property whose name `isSecretKey` loses its whole value (unless that is
 * null, a boolean or an empty string, which hold nothing secret); every string has well-known
 * token shapes and the given `secrets` replaced inside it. Plain objects and arrays are copied;
 * other objects (dates, errors, class instances) are returned as they are, and a circular
 * reference becomes `"[circular]"`. The input is never changed. The result has the same shape,
 * except that redacted values are strings.
 */
export function redactSecrets<T>(value: T, options: RedactOptions = {}): T {
  return redactValue(value, secretList(options.secrets), new Set()) as T;
}

/**
 * The error as it may be shown or recorded (on a span, in an event): the same error when its
 * message holds no secret, else an error of the same name and code with the secrets replaced in
 * its message (and no stack, which repeats the message).
 */
export function redactError(error: unknown, options: RedactOptions = {}): unknown {
  if (!(error instanceof Error)) return error;
  const message = redactString(error.message, options);
  if (message === error.message) return error;
  const safe = new Error(message);
  safe.name = error.name;
  safe.stack = `${error.name}: ${message}`;
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) Object.assign(safe, { code });
  return safe;
}

/**
 * The values of the environment variables whose names `isSecretKey` (at least
 * `MIN_SECRET_LENGTH` long), for `RedactOptions.secrets`.
 */
export function secretValuesFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Set<string> {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH && isSecretKey(name))
      values.add(value);
  return values;
}

/** Longest first, so that a secret containing another is replaced whole. */
function secretList(secrets: Iterable<string> | undefined): string[] {
  if (secrets === undefined) return [];
  return [...new Set(secrets)]
    .filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets)
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  for (const { pattern, replace } of SECRET_PATTERNS)
    result =
      typeof replace === 'string'
        ? result.replace(pattern, replace)
        : result.replace(pattern, replace);
  return result;
}

function redactValue(value: unknown, secrets: readonly string[], open: Set<object>): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (typeof value !== 'object' || value === null) return value;
  const isArray = Array.isArray(value);
  if (!isArray) {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
  }
  if (open.has(value)) return '[circular]';
  open.add(value);
  try {
    if (isArray) return value.map((item) => redactValue(item, secrets, open));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const redacted =
        isSecretKey(key) && holdsSomething(item) ? REDACTED : redactValue(item, secrets, open);
      // defineProperty, so that an own "__proto__" key (JSON.parse makes those) stays a key.
      Object.defineProperty(copy, key, {
        value: redacted,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  } finally {
    open.delete(value);
  }
}

function holdsSomething(value: unknown): boolean {
  return !(value === null || value === undefined || value === '' || typeof value === 'boolean');
}
