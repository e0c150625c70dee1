import { readFile } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';

/**
 * The files of a zip archive, by name, read as an unzip tool does: from the end-of-central-directory
 * record, through the central directory, to each local header and its data (stored or deflated),
 * each checked against its CRC-32 and sizes.
 */
export async function readZip(file: string): Promise<Map<string, Buffer>> {
  const zip = await readFile(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error(`${file}: no end of central directory`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central header ${i}`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const packedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (zip.readUInt32LE(local) !== 0x04034b50)
      throw new Error(`${file}: bad local header of ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const packed = zip.subarray(start, start + packedSize);
    const data = method === 0 ? packed : method === 8 ? inflateRawSync(packed) : undefined;
    if (data === undefined) throw new Error(`${file}: ${name} uses method ${method}`);
    if (data.length !== size || crc32(data) !== crc) throw new Error(`${file}: ${name} is corrupt`);
    files.set(name, data);
    at += 46 + nameLength + extra + comment;
  }
  return files;
}
