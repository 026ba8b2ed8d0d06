/**
 * Reading SAT subjects from Node's `X509Certificate.subject` / `.issuer` text.
 *
 * Node 20 prints one `key=value` per line (RDNs in certificate order); members of a multi-valued
 * RDN share a line joined by ` + `. Values carry RFC 2253 escapes: `\,` `\+` `\"` `\\` `\<` `\>`
 * `\;`, a leading `\#` or `\ `, a trailing `\ `, and control characters as `\0A`-style hex. Keys are
 * OpenSSL short names (`CN`, `name`, `x500UniqueIdentifier`, `serialNumber`, …), or dotted OIDs for
 * types OpenSSL does not know; both spellings are folded to one key here.
 */

/** Attribute values by key, in certificate order; a key may occur more than once. */
export type DistinguishedName = ReadonlyMap<string, readonly string[]>;

const KEY_ALIASES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  commonName: 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  countryName: 'C',
  '2.5.4.10': 'O',
  organizationName: 'O',
  '2.5.4.11': 'OU',
  organizationalUnitName: 'OU',
  '2.5.4.41': 'name',
  '2.5.4.45': 'x500UniqueIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '1.2.840.113549.1.9.2': 'unstructuredName',
};

export function canonicalAttributeKey(key: string): string {
  return KEY_ALIASES[key] ?? key;
}

/** Undoes RFC 2253 escaping as OpenSSL writes it. A lone trailing backslash is kept as is. */
export function unescapeRfc2253(value: string): string {
  if (!value.includes('\\')) return value;
  let out = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length > 0) {
      out += Buffer.from(bytes).toString('utf8');
      bytes = [];
    }
  };
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch !== '\\' || i + 1 >= value.length) {
      flush();
      out += ch;
      continue;
    }
    const pair = value.slice(i + 1, i + 3);
    // None of the characters escaped with a plain backslash is a hex digit, so this is unambiguous.
    if (/^[0-9A-Fa-f]{2}$/.test(pair)) {
      bytes.push(Number.parseInt(pair, 16));
      i += 2;
    } else {
      flush();
      out += value[i + 1]!;
      i += 1;
    }
  }
  flush();
  return out;
}

/** Splits one printed line into its RDN members at unescaped ` + ` separators. */
function splitMultiValued(line: string): string[] {
  const members: string[] = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') {
      i += 1;
      continue;
    }
    // A value never ends in an unescaped space and '+' is always escaped, so ' + ' is a separator.
    if (line[i] === ' ' && line[i + 1] === '+' && line[i + 2] === ' ') {
      members.push(line.slice(start, i));
      start = i + 3;
      i += 2;
    }
  }
  members.push(line.slice(start));
  return members;
}

/** Parses Node's subject/issuer text into attribute values keyed by canonical short name. */
export function parseDistinguishedName(text: string): DistinguishedName {
  const result = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    for (const member of splitMultiValued(line)) {
      const eq = member.indexOf('=');
      if (eq <= 0) continue;
      const key = canonicalAttributeKey(member.slice(0, eq));
      const value = unescapeRfc2253(member.slice(eq + 1));
      const values = result.get(key);
      if (values) values.push(value);
      else result.set(key, [value]);
    }
  }
  return result;
}

/** First value of an attribute, or null. */
export function firstValue(dn: DistinguishedName, key: string): string | null {
  return dn.get(canonicalAttributeKey(key))?.[0] ?? null;
}

/** The SAT meaning of a subject's attributes. */
export interface SatSubject {
  /** First token of x500UniqueIdentifier: the holder's RFC, or the entity's RFC for a persona moral. */
  readonly rfc: string | null;
  /** For a persona moral (`"ENTITY / REPRESENTATIVE"`), the legal representative's RFC. */
  readonly representativeRfc: string | null;
  /** Last `/`-separated part of serialNumber, trimmed (the representative's CURP for a moral). */
  readonly curp: string | null;
  /** `name` (2.5.4.41), falling back to CN. */
  readonly name: string | null;
  /** OU: present on CSDs only. */
  readonly organizationalUnit: string | null;
  readonly email: string | null;
}

const nonEmpty = (value: string | undefined): string | null => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};

export function readSatSubject(dn: DistinguishedName): SatSubject {
  const uniqueIdentifier = firstValue(dn, 'x500UniqueIdentifier');
  let rfc: string | null = null;
  let representativeRfc: string | null = null;
  if (uniqueIdentifier !== null) {
    const parts = uniqueIdentifier.split('/');
    rfc = nonEmpty(parts[0]?.trim().split(/\s+/)[0]);
    representativeRfc = parts.length > 1 ? nonEmpty(parts[parts.length - 1]) : null;
  }
  const serialNumber = firstValue(dn, 'serialNumber');
  const curp = serialNumber === null ? null : nonEmpty(serialNumber.split('/').pop());
  return {
    rfc,
    representativeRfc,
    curp,
    name: nonEmpty(firstValue(dn, 'name') ?? undefined) ?? nonEmpty(firstValue(dn, 'CN') ?? undefined),
    organizationalUnit: nonEmpty(firstValue(dn, 'OU') ?? undefined),
    email: nonEmpty(firstValue(dn, 'emailAddress') ?? undefined),
  };
}
