import { sha1 } from './sha1.js';

/** Characters 0–13 of a run's block uuids (`xxxxxxxx-xxxx-`): the same for every block of a run. */
const RUN_PREFIX_LENGTH = 14;

/**
 * The uuid of a run's block, derived from the run id and the block's key (`stage/verify`,
 * `decision/12`…): writing the same run again gives the same uuids, so a writer updates blocks
 * instead of adding copies. A version 8 (custom) UUID: its first 48 bits come from the run id
 * alone, so a writer can tell the run's own blocks from those a person wrote beside them
 * (`isRunBlock`), and the other bits from the run id and the key.
 */
export function runBlockUuid(runId: string, key: string): string {
  const run = sha1(`tta-run\u0000${runId}`);
  const block = sha1(`tta-run\u0000${runId}\u0000${key}`);
  const bytes = new Uint8Array(16);
  bytes.set(run.subarray(0, 6), 0);
  bytes.set(block.subarray(6, 16), 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether a block uuid (any case) was made by `runBlockUuid` for this run. */
export function isRunBlock(uuid: string, runId: string): boolean {
  return (
    uuid.toLowerCase().startsWith(runBlockUuid(runId, '').slice(0, RUN_PREFIX_LENGTH)) &&
    uuid[14] === '8'
  );
}

/** The shape of a UUID as Logseq's `id::` property takes it. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
