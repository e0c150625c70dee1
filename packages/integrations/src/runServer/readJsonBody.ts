import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { HttpError } from './HttpError.js';

/**
 * Reads a JSON request body of at most `maxBytes` and validates it: 413 when too large, 415 when
 * not JSON, 400 naming the first bad field. An empty body counts as `{}`.
 */
export async function readJsonBody<S extends z.ZodType>(
  req: IncomingMessage,
  schema: S,
  maxBytes: number,
): Promise<z.infer<S>> {
  const tooLarge = () =>
    new HttpError(413, `the body is larger than ${maxBytes} bytes`, {}, { connection: 'close' });
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let raw: unknown = {};
  if (text.trim() !== '') {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type))
      throw new HttpError(
        415,
        `send the body as JSON with "Content-Type: application/json", not "${type}"`,
      );
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new HttpError(400, `the body is not JSON: ${(error as Error).message}`);
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || '(body)',
      message: issue.message,
    }));
    const first = issues[0]!;
    throw new HttpError(400, `${first.field}: ${first.message}`, { field: first.field, issues });
  }
  return parsed.data;
}
