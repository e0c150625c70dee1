import type { MemoryBackend } from '@tta-dev/core';
import { projectFileField, redactUrl } from '@tta-dev/workflows';
import { postgresMemoryTarget } from './_postgresMemoryTarget.js';
import { InvalidMemoryConfigError } from './InvalidMemoryConfigError.js';

/** Where the shared memory is, as configured. */
export type MemorySetting =
  | { readonly kind: 'memory'; readonly source: string }
  | {
      readonly kind: 'redis' | 'postgres';
      /** The URL as given: it may hold a password, so show `where`, never this. */
      readonly url: string;
      /** The URL with its password replaced by `***`. */
      readonly where: string;
      readonly source: string;
    };

export interface OpenMemoryBackendOptions {
  /** The project folder, whose `.tta/project.json` may name the memory (field `memory`). */
  readonly cwd: string;
  /** `TTA_MEMORY` wins over the project file. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** An opened memory backend, with what it is and how to let it go. */
export interface OpenedMemoryBackend {
  readonly backend: MemoryBackend;
  readonly setting: MemorySetting;
  /** Closes the connections (nothing to do for the in-process memory). */
  close(): Promise<void>;
}

const ACCEPTED =
  '"memory" (in this process), redis://… or rediss://… (Redis), postgres://… or postgresql://… (PostgreSQL)';

/**
 * The configured memory: `TTA_MEMORY`, else the `memory` field of `<cwd>/.tta/project.json`, else
 * the in-process default. Reads no server and loads no client: a bad value is an
 * `InvalidMemoryConfigError` naming the variable, or the file and field.
 */
export function memorySettingOf({
  cwd,
  env = process.env,
}: OpenMemoryBackendOptions): MemorySetting {
  const fromEnv = env.TTA_MEMORY?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return parseSetting(fromEnv, 'TTA_MEMORY');
  const field = projectFileField(cwd, 'memory');
  if (field === undefined) return { kind: 'memory', source: 'default' };
  const { value, file } = field;
  const source = `${file}: field "memory"`;
  if (typeof value !== 'string')
    throw new InvalidMemoryConfigError(`${source}: must be a string, one of ${ACCEPTED}`);
  return parseSetting(value.trim(), source);
}

function parseSetting(value: string, source: string): MemorySetting {
  if (value === 'memory') return { kind: 'memory', source };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  const kind =
    scheme === 'redis' || scheme === 'rediss'
      ? 'redis'
      : scheme === 'postgres' || scheme === 'postgresql'
        ? 'postgres'
        : undefined;
  // The value may be a URL with a password: it is shown redacted.
  const shown = scheme === undefined ? `"${value}"` : redactUrl(value);
  if (kind === undefined || !URL.canParse(value))
    throw new InvalidMemoryConfigError(
      `${source}: ${shown} names no memory tta knows; use ${ACCEPTED}`,
    );
  // A PostgreSQL URL as the run store reads its own: a bad `?schema=` is refused here too.
  if (kind === 'postgres') postgresMemoryTarget(value, source);
  return { kind, url: value, where: redactUrl(value), source };
}

/**
 * Opens the configured memory (`memorySettingOf`): Redis or PostgreSQL, whose clients are loaded
 * only then, or a new in-process `InMemoryBackend`.
 */
export async function openMemoryBackend(
  options: OpenMemoryBackendOptions,
): Promise<OpenedMemoryBackend> {
  const setting = memorySettingOf(options);
  switch (setting.kind) {
    case 'memory': {
      const { InMemoryBackend } = await import('@tta-dev/core');
      return { backend: new InMemoryBackend(), setting, close: async () => undefined };
    }
    case 'redis': {
      const { RedisMemoryBackend } = await import('./RedisMemoryBackend.js');
      const backend = await RedisMemoryBackend.open({ url: setting.url });
      return { backend, setting, close: () => backend.close() };
    }
    case 'postgres': {
      const { PostgresMemoryBackend } = await import('./PostgresMemoryBackend.js');
      const backend = await PostgresMemoryBackend.open({
        url: setting.url,
        source: setting.source,
      });
      return { backend, setting, close: () => backend.close() };
    }
  }
}
