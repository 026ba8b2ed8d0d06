/** Caps on one upload. Configuration overrides the defaults (src/config.ts). */
import { DEFAULT_XML_LIMITS } from './xml.js';
import type { XmlLimits } from './xml.js';

export interface IntakeLimits {
  /** Bytes of the uploaded file as received (zip or XML). */
  readonly maxUploadBytes: number;
  /** Entries in the zip's central directory. */
  readonly maxEntries: number;
  /** Inflated bytes of one zip entry, counted while streaming. */
  readonly maxEntryBytes: number;
  /** Inflated bytes of all entries together, counted while streaming. */
  readonly maxTotalBytes: number;
  /** Inflated bytes per compressed byte of one entry. */
  readonly maxCompressionRatio: number;
  readonly xml: XmlLimits;
}

const MiB = 1024 * 1024;

export const DEFAULT_INTAKE_LIMITS: IntakeLimits = {
  maxUploadBytes: 64 * MiB,
  maxEntries: 20_000,
  maxEntryBytes: 2 * MiB,
  maxTotalBytes: 512 * MiB,
  maxCompressionRatio: 100,
  xml: DEFAULT_XML_LIMITS,
};
