import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type LocalServer, listen } from '../prometheus/prometheus.testkit.js';

/**
 * A stand-in for Grafana Loki's HTTP API, for tests: Debian's `loki` package is a genetics tool,
 * not Grafana Loki, and Loki has no other package here. It keeps what is pushed to
 * `/loki/api/v1/push` and answers `/loki/api/v1/query` and `/query_range` as Loki does (same
 * parameters, same JSON, text errors with HTTP 400) for the part of LogQL tests use: a stream
 * selector (`=`, `!=`, `=~`, `!~`), line filters (`|=`, `!=`, `|~`, `!~`), and
 * `count_over_time(… [d])`, optionally inside `sum(…)`.
 */
export interface FakeLoki extends LocalServer {
  /** Every query request, as received. */
  readonly requests: { path: string; params: URLSearchParams }[];
}

interface Entry {
  readonly ns: bigint;
  readonly line: string;
}
interface Stream {
  readonly labels: Record<string, string>;
  readonly entries: Entry[];
}

type Matcher = { name: string; op: '=' | '!=' | '=~' | '!~'; value: string };
type LineFilter = { op: '|=' | '!=' | '|~' | '!~'; value: string };
interface LogQuery {
  readonly matchers: Matcher[];
  readonly filters: LineFilter[];
}
type Query =
  | { type: 'log'; log: LogQuery }
  | { type: 'count'; log: LogQuery; rangeNs: bigint; sum: boolean };

export async function startFakeLoki(): Promise<FakeLoki> {
  const streams = new Map<string, Stream>();
  const requests: { path: string; params: URLSearchParams }[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => text(res, 500, error.message));
  });
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://loki');
    if (url.pathname === '/loki/api/v1/push' && req.method === 'POST') {
      const body = JSON.parse(await read(req)) as {
        streams: { stream: Record<string, string>; values: [string, string][] }[];
      };
      for (const s of body.streams) {
        const key = JSON.stringify(Object.entries(s.stream).sort());
        const stream = streams.get(key) ?? { labels: s.stream, entries: [] };
        stream.entries.push(...s.values.map(([ns, line]) => ({ ns: BigInt(ns), line })));
        streams.set(key, stream);
      }
      res.writeHead(204).end();
      return;
    }
    const instant = url.pathname === '/loki/api/v1/query';
    if (!instant && url.pathname !== '/loki/api/v1/query_range')
      return text(res, 404, '404 page not found\n');
    if (req.method !== 'GET') return text(res, 405, 'method not allowed\n');
    requests.push({ path: url.pathname, params: url.searchParams });
    const p = url.searchParams;
    const limit = Number(p.get('limit') ?? '100');
    if (!Number.isInteger(limit) || limit <= 0)
      return text(res, 400, 'limit must be a positive value\n');
    const direction = p.get('direction') ?? 'backward';
    if (direction !== 'forward' && direction !== 'backward')
      return text(res, 400, `invalid direction '${direction}'\n`);
    let query: Query;
    try {
      query = parseQuery(p.get('query') ?? '');
    } catch (error) {
      return text(res, 400, `${(error as Error).message}\n`);
    }
    const now = BigInt(Date.now()) * 1_000_000n;
    let time: bigint | undefined;
    let start: bigint;
    let end: bigint;
    try {
      time = instant ? (nanos(p.get('time')) ?? now) : undefined;
      end = time ?? nanos(p.get('end')) ?? now;
      start = time ?? nanos(p.get('start')) ?? end - 3_600_000_000_000n;
    } catch (error) {
      return text(res, 400, `${(error as Error).message}\n`);
    }
    const all = [...streams.values()].filter((s) => selects(query.log, s.labels));
    if (query.type === 'log') {
      if (instant)
        return text(
          res,
          400,
          'log queries are not supported as an instant query type, please change your query to a range query type\n',
        );
      const entries = all
        .flatMap((s) =>
          s.entries
            .filter((e) => e.ns >= start && e.ns < end && passes(query.log, e.line))
            .map((e) => ({ s, e })),
        )
        .sort((a, b) =>
          a.e.ns === b.e.ns ? 0 : a.e.ns < b.e.ns === (direction === 'forward') ? -1 : 1,
        )
        .slice(0, limit);
      const byStream = new Map<Stream, [string, string][]>();
      for (const { s, e } of entries)
        byStream.set(s, [...(byStream.get(s) ?? []), [String(e.ns), e.line]]);
      return json(
        res,
        'streams',
        [...byStream].map(([s, values]) => ({ stream: s.labels, values })),
      );
    }
    const count = (s: Stream, at: bigint) =>
      s.entries.filter((e) => e.ns > at - query.rangeNs && e.ns <= at && passes(query.log, e.line))
        .length;
    const groups: { metric: Record<string, string>; streams: Stream[] }[] = query.sum
      ? [{ metric: {}, streams: all }]
      : all.map((s) => ({ metric: s.labels, streams: [s] }));
    const valueAt = (g: (typeof groups)[number], at: bigint) =>
      g.streams.reduce((n, s) => n + count(s, at), 0);
    const seconds = (ns: bigint) => Number(ns / 1_000_000n) / 1000;
    if (time !== undefined) {
      const result = groups
        .filter((g) => g.streams.length > 0 && (query.sum || valueAt(g, time) > 0))
        .map((g) => ({ metric: g.metric, value: [seconds(time), String(valueAt(g, time))] }));
      return json(res, 'vector', result);
    }
    const stepS = Number((p.get('step') ?? '60s').replace(/s$/, ''));
    const stepNs = BigInt(Math.round(stepS * 1e9));
    const result = groups
      .map((g) => {
        const values: [number, string][] = [];
        for (let at = start; at <= end; at += stepNs) {
          const v = valueAt(g, at);
          if (v > 0) values.push([seconds(at), String(v)]);
        }
        return { metric: g.metric, values };
      })
      .filter((s) => s.values.length > 0);
    return json(res, 'matrix', result);
  }
  return { ...(await listen(server)), requests };
}

/** Lines pushed to Loki's push API as it is called by Promtail and the logging libraries. */
export async function pushLogs(
  url: string,
  labels: Record<string, string>,
  lines: readonly { time: Date; line: string }[],
): Promise<void> {
  const response = await fetch(`${url}/loki/api/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      streams: [
        {
          stream: labels,
          values: lines.map((l) => [`${BigInt(l.time.getTime()) * 1_000_000n}`, l.line]),
        },
      ],
    }),
  });
  if (response.status !== 204)
    throw new Error(`push failed: HTTP ${response.status} ${await response.text()}`);
}

function parseQuery(source: string): Query {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`parse error at line 1, col ${i + 1}: syntax error: ${what}`);
  };
  const space = () => {
    while (/\s/.test(source[i] ?? '')) i++;
  };
  const take = (token: string) => {
    space();
    if (!source.startsWith(token, i)) return false;
    i += token.length;
    return true;
  };
  const expect = (token: string) => take(token) || fail(`expected ${token}`);
  const string = (): string => {
    space();
    const quote = source[i];
    if (quote !== '"' && quote !== '`') return fail('expected a string');
    const end = source.indexOf(quote, i + 1);
    if (end < 0) fail('unterminated string');
    const raw = source.slice(i, end + 1);
    i = end + 1;
    return quote === '`' ? raw.slice(1, -1) : (JSON.parse(raw) as string);
  };
  const logQuery = (): LogQuery => {
    expect('{');
    const matchers: Matcher[] = [];
    do {
      space();
      const name =
        /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))?.[0] ?? fail('expected a label name');
      i += name.length;
      const op =
        (['=~', '!~', '!=', '='] as const).find((o) => take(o)) ?? fail('expected a matcher');
      matchers.push({ name, op, value: string() });
    } while (take(','));
    expect('}');
    const empty = { matchers: [] as Matcher[], filters: [] };
    if (!matchers.some((m) => !m.op.startsWith('!') && !selects({ ...empty, matchers: [m] }, {})))
      fail(
        'queries require at least one regexp or equality matcher that does not have an empty-compatible value',
      );
    const filters: LineFilter[] = [];
    for (;;) {
      const op = (['|=', '!=', '|~', '!~'] as const).find((o) => take(o));
      if (op === undefined) break;
      filters.push({ op, value: string() });
    }
    return { matchers, filters };
  };
  space();
  let query: Query;
  if (source.startsWith('{', i)) query = { type: 'log', log: logQuery() };
  else {
    const sum = take('sum');
    if (sum) expect('(');
    expect('count_over_time');
    expect('(');
    const log = logQuery();
    expect('[');
    space();
    const d = /^(\d+)(ms|s|m|h|d)/.exec(source.slice(i)) ?? fail('expected a duration');
    i += d[0].length;
    const unit = {
      ms: 1_000_000n,
      s: 1_000_000_000n,
      m: 60_000_000_000n,
      h: 3_600_000_000_000n,
      d: 86_400_000_000_000n,
    }[d[2] as 'ms'];
    expect(']');
    expect(')');
    if (sum) expect(')');
    query = { type: 'count', log, rangeNs: BigInt(d[1]!) * unit, sum };
  }
  space();
  if (i < source.length) fail(`unexpected ${JSON.stringify(source.slice(i, i + 10))}`);
  return query;
}

/** A Go (RE2) regular expression as JavaScript's: a leading `(?i)` becomes the `i` flag. */
const re2 = (source: string, anchored: boolean) => {
  const i = source.startsWith('(?i)');
  const body = i ? source.slice(4) : source;
  return new RegExp(anchored ? `^(?:${body})$` : body, i ? 'i' : '');
};

function selects(query: LogQuery, labels: Record<string, string>): boolean {
  return query.matchers.every((m) => {
    const value = labels[m.name] ?? '';
    const hit = m.op.endsWith('~') ? re2(m.value, true).test(value) : value === m.value;
    return m.op.startsWith('!') ? !hit : hit;
  });
}

function passes(query: LogQuery, line: string): boolean {
  return query.filters.every((f) => {
    const hit = f.op.endsWith('~') ? re2(f.value, false).test(line) : line.includes(f.value);
    return f.op.startsWith('!') ? !hit : hit;
  });
}

function nanos(text: string | null): bigint | undefined {
  if (text === null) return undefined;
  if (/^\d+$/.test(text)) return BigInt(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`invalid time ${text}`);
  return BigInt(ms) * 1_000_000n;
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function text(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
}

function json(res: ServerResponse, resultType: string, result: unknown) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({ status: 'success', data: { resultType, result, stats: { summary: {} } } }),
  );
}
