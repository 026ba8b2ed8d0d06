/**
 * The shape of a SEP catalog as data, shared by the títulos and certificados catalogs, and the
 * lookups by xs:integer id.
 */

export interface CatalogEntry {
  readonly id: string;
  readonly text: string;
  /** Set when the entry rests on weak evidence; the reason, for operators. */
  readonly uncertain?: string;
}

export interface Catalog<E extends CatalogEntry = CatalogEntry> {
  readonly name: string;
  /** Which version of SEP's catalog this is and where it was read from. */
  readonly version: string;
  readonly source: string;
  readonly entries: ReadonlyMap<string, E>;
}

export function catalog<E extends CatalogEntry>(name: string, version: string, source: string, list: readonly E[]): Catalog<E> {
  return Object.freeze({ name, version, source, entries: new Map(list.map((e) => [e.id, Object.freeze(e)])) });
}

const INTEGER_ID = /^[+-]?[0-9]+$/;
const CANONICAL_INTEGER = /^(?:0|[1-9][0-9]*)$/;

/** An integer written in canonical form: digits only, no sign, no leading zeros. */
export function isCanonicalInteger(written: string): boolean {
  return CANONICAL_INTEGER.test(written);
}

/**
 * The catalog key of an xs:integer id as written, or undefined when it is not an integer.
 * SEP types the títulos ids as xs:integer, so `03` and `+3` denote 3 (unlike the string entity ids).
 */
export function integerIdKey(written: string): string | undefined {
  if (CANONICAL_INTEGER.test(written)) return written;
  if (!INTEGER_ID.test(written)) return undefined;
  const signed = written[0] === '+' || written[0] === '-';
  let start = signed ? 1 : 0;
  while (start < written.length - 1 && written[start] === '0') start++;
  const digits = written.slice(start);
  return written[0] === '-' && digits !== '0' ? `-${digits}` : digits;
}

/** Entry of an integer-keyed catalog for the id as written. */
export function lookupInteger<E extends CatalogEntry>(cat: Catalog<E>, written: string): E | undefined {
  const key = integerIdKey(written);
  return key === undefined ? undefined : cat.entries.get(key);
}
