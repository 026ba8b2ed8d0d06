/** The files of a lote as its thread holds them, and how a file's bytes travel to a preparer. */
import type { FileLocation, LocatedEntry, PackageEntry } from '../intake/package.js';

/** A file of a lote: inflated already (a lone XML, or unpacked when it was received), or still in the zip. */
export type LoteFile = PackageEntry | LocatedEntry;

/** One file's bytes as a preparer receives them: inflated, or its data in the zip with what it must inflate to. */
export interface FileData {
  readonly name: string;
  readonly bytes: Buffer;
  /** Set when `bytes` is the file's data in the zip: how to inflate and check it. */
  readonly zip: Pick<LocatedEntry, 'method' | 'uncompressedSize' | 'crc32'> | null;
}

/** Where a lote file lies in the upload (unknown for entries unpacked without it). */
export function locationOf(file: LoteFile): FileLocation | null {
  if ('bytes' in file) return file.location ?? null;
  return { offset: file.offset, size: file.size, method: file.method };
}

/** A lote file's data as held by the main thread: inflated bytes, or its range of the upload. */
export function fileData(file: LoteFile, archive: Buffer): FileData {
  if ('bytes' in file) return { name: file.name, bytes: file.bytes, zip: null };
  return {
    name: file.name,
    bytes: archive.subarray(file.offset, file.offset + file.size),
    zip: { method: file.method, uncompressedSize: file.uncompressedSize, crc32: file.crc32 },
  };
}
