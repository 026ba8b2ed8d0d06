/**
 * A test PKI that mints SAT-like e.firma (FIEL) and CSD credentials under a SAT-like test CA,
 * following the byte layout of SAT's own test certificates (spec efirma-libraries-limits.md §1.8).
 * Test and fixture code only: node-forge builds the certificates, node:crypto makes the keys and
 * signatures. Nothing minted here is issued by SAT.
 *
 * Key reuse: RSA generation costs ~150 ms, so mints draw from a small per-process pool of key
 * pairs (POOL_SIZE per key size, handed out round-robin). Certificates minted in one process may
 * therefore share a key pair; consecutive mints never do. Pass `freshKey: true` for a new one.
 */
import { generateKeyPairSync, randomInt, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { isCertificateNumber, serialHexFromCertificateNumber } from '../../src/domain/efirma/certificate-number.js';

export const DEFAULT_PASSWORD = '12345678a';
export const DEFAULT_NOT_BEFORE = new Date('2024-01-01T00:00:00Z');
export const DEFAULT_NOT_AFTER = new Date('2030-12-31T23:59:59Z');
export const POOL_SIZE = 4;

export interface MintOptions {
  kind?: 'FIEL' | 'CSD';
  persona?: 'FISICA' | 'MORAL';
  /** Holder's name (the company's for a moral). */
  name?: string;
  /** Holder's RFC (the entity's for a moral). */
  rfc?: string;
  /** Holder's CURP (the legal representative's for a moral). */
  curp?: string;
  /** The 20-digit número de certificado; unique per process by default. */
  number?: string;
  /** FIEL only. */
  email?: string;
  notBefore?: Date;
  notAfter?: Date;
  keyBits?: number;
  password?: string;
  /** Moral only: the legal representative's RFC (`x500UniqueIdentifier = "RFC / REPRESENTATIVE"`). */
  representativeRfc?: string;
  /** CSD only: the subject OU (branch); defaults to the name, as in SAT's test CSDs. */
  organizationalUnit?: string;
  /** Generate a new key pair instead of drawing one from the pool. */
  freshKey?: boolean;
  /** Issuing CA; defaults to the process-wide testCa(). */
  ca?: TestCa;
}

export interface MintedCredential {
  cerDer: Buffer;
  keyDer: Buffer;
  password: string;
  privateKey: KeyObject;
  number: string;
  curp: string;
  rfc: string;
  name: string;
  notBefore: Date;
  notAfter: Date;
  kind: 'FIEL' | 'CSD';
  persona: 'FISICA' | 'MORAL';
  /** Moral only; null for a persona física. */
  representativeRfc: string | null;
  publicKey: KeyObject;
}

export interface TestCa {
  cerDer: Buffer;
  /** The CA's common name. */
  name: string;
  privateKey: KeyObject;
  /** The subject as written, reused verbatim as the issuer of minted certificates. */
  readonly subjectAttributes: readonly forge.pki.CertificateField[];
}

export interface TestCaOptions {
  name?: string;
  notBefore?: Date;
  notAfter?: Date;
  keyBits?: number;
}

// ---------------------------------------------------------------- keys

interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const keyPools = new Map<number, { pairs: KeyPair[]; next: number }>();

function generateKeyPair(bits: number): KeyPair {
  return generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
}

function pooledKeyPair(bits: number, fresh: boolean): KeyPair {
  if (fresh) return generateKeyPair(bits);
  let pool = keyPools.get(bits);
  if (!pool) {
    pool = { pairs: [], next: 0 };
    keyPools.set(bits, pool);
  }
  if (pool.pairs.length < POOL_SIZE) {
    const pair = generateKeyPair(bits);
    pool.pairs.push(pair);
    return pair;
  }
  const pair = pool.pairs[pool.next % pool.pairs.length]!;
  pool.next += 1;
  return pair;
}

// ---------------------------------------------------------------- names

const TAG_UTF8 = 12;
const TAG_PRINTABLE = 19;
const TAG_T61 = 20;
const TAG_IA5 = 22;

const PRINTABLE_STRING = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const ASCII = /^[\x00-\x7f]*$/;
const LATIN1 = /^[\x00-\xff]*$/;

/**
 * One subject attribute, typed the way SAT does: anything with a non-ASCII Latin-1 character (Ñ)
 * becomes a T61String holding Latin-1 bytes; otherwise PrintableString for codes (RFC, CURP, C),
 * UTF8String for names and IA5String for e-mail.
 */
function attribute(type: string, value: string, style: 'code' | 'text' | 'email'): forge.pki.CertificateField {
  let tag: number;
  let bytes = value;
  if (style === 'email') {
    tag = TAG_IA5;
  } else if (!ASCII.test(value) && LATIN1.test(value)) {
    tag = TAG_T61;
    bytes = Buffer.from(value, 'latin1').toString('binary');
  } else if (style === 'code' && PRINTABLE_STRING.test(value)) {
    tag = TAG_PRINTABLE;
  } else {
    // forge UTF-8-encodes UTF8String values itself: pass the plain string.
    tag = TAG_UTF8;
  }
  return { type, value: bytes, valueTagClass: tag as forge.asn1.Class };
}

const OID = {
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  state: '2.5.4.8',
  street: '2.5.4.9',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  postalCode: '2.5.4.17',
  name: '2.5.4.41',
  x500UniqueIdentifier: '2.5.4.45',
  emailAddress: '1.2.840.113549.1.9.1',
  unstructuredName: '1.2.840.113549.1.9.2',
} as const;

// ---------------------------------------------------------------- certificate assembly

interface Tbs {
  serialHex: string;
  subject: forge.pki.CertificateField[];
  issuer: readonly forge.pki.CertificateField[];
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  extensions: object[];
}

/** Builds the certificate with forge and signs it (sha256WithRSAEncryption) with node:crypto. */
function issueCertificate(tbs: Tbs, issuerKey: KeyObject): Buffer {
  const cert = forge.pki.createCertificate();
  cert.version = 2;
  cert.serialNumber = tbs.serialHex;
  cert.validity.notBefore = tbs.notBefore;
  cert.validity.notAfter = tbs.notAfter;
  cert.setSubject(tbs.subject);
  // Copies: forge fills in missing fields on the objects it is given.
  cert.setIssuer(tbs.issuer.map((a) => ({ ...a })));
  // Before the extensions: subjectKeyIdentifier is computed from it.
  cert.publicKey = forge.pki.publicKeyFromPem(tbs.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.setExtensions(tbs.extensions);

  const sha256WithRSA = forge.pki.oids['sha256WithRSAEncryption'] as string;
  cert.siginfo.algorithmOid = sha256WithRSA;
  cert.signatureOid = sha256WithRSA;
  const pki = forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 };
  cert.tbsCertificate = pki.getTBSCertificate(cert);
  const tbsDer = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', tbsDer, issuerKey).toString('binary');
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
}

function randomSerialHex(): string {
  // 16 random bytes with the high bit clear, so the INTEGER is positive without a 0x00 pad.
  const bytes = Buffer.from(Array.from({ length: 16 }, (_, i) => (i === 0 ? randomInt(1, 0x80) : randomInt(0, 256))));
  return bytes.toString('hex');
}

// ---------------------------------------------------------------- CA

/** A new SAT-like test CA modelled on SAT's "AC UAT" (its private key lives only in memory). */
export function createTestCa(opts: TestCaOptions = {}): TestCa {
  const name = opts.name ?? 'AC DE PRUEBAS METMEC';
  const keys = generateKeyPair(opts.keyBits ?? 2048);
  const subjectAttributes = [
    attribute(OID.commonName, name, 'text'),
    attribute(OID.organization, 'SERVICIO DE ADMINISTRACION TRIBUTARIA', 'text'),
    attribute(OID.organizationalUnit, 'SAT-IES Authority', 'text'),
    attribute(OID.emailAddress, 'ac-pruebas@metmec.test', 'email'),
    attribute(OID.street, 'AV. HIDALGO 77', 'text'),
    attribute(OID.postalCode, '06300', 'text'),
    attribute(OID.country, 'MX', 'code'),
    attribute(OID.state, 'CIUDAD DE MEXICO', 'text'),
    attribute(OID.locality, 'CUAUHTEMOC', 'text'),
    attribute(OID.x500UniqueIdentifier, 'SAT970701NN3', 'code'),
    attribute(OID.unstructuredName, 'responsable: PRUEBAS METMEC (NO EMITIDO POR EL SAT)', 'code'),
  ];
  const cerDer = issueCertificate(
    {
      serialHex: randomSerialHex(),
      subject: subjectAttributes.map((a) => ({ ...a })),
      issuer: subjectAttributes,
      notBefore: opts.notBefore ?? new Date('2020-01-01T00:00:00Z'),
      notAfter: opts.notAfter ?? new Date('2040-12-31T23:59:59Z'),
      publicKey: keys.publicKey,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        { name: 'subjectKeyIdentifier' },
      ],
    },
    keys.privateKey,
  );
  return { cerDer, name, privateKey: keys.privateKey, subjectAttributes: Object.freeze(subjectAttributes) };
}

let sharedCa: TestCa | undefined;

/** The process-wide test CA (created on first use). */
export function testCa(): TestCa {
  sharedCa ??= createTestCa();
  return sharedCa;
}

// ---------------------------------------------------------------- default identities

const CURP_ALPHABET = '0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ';

/** The CURP check digit (the 18th character) for its first 17 characters. */
export function curpCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Math.max(0, CURP_ALPHABET.indexOf(first17[i] ?? '0')) * (18 - i);
  return String((10 - (sum % 10)) % 10);
}

const PEOPLE = [
  { given: 'ROSA MARIA', paternal: 'GARCIA', maternal: 'LOPEZ', sex: 'M', state: 'DF' },
  { given: 'JUAN CARLOS', paternal: 'HERNANDEZ', maternal: 'MARTINEZ', sex: 'H', state: 'JC' },
  { given: 'ANA LUISA', paternal: 'RAMIREZ', maternal: 'TORRES', sex: 'M', state: 'NL' },
  { given: 'PEDRO', paternal: 'SANCHEZ', maternal: 'FLORES', sex: 'H', state: 'PL' },
  { given: 'LAURA', paternal: 'MORALES', maternal: 'CRUZ', sex: 'M', state: 'YN' },
] as const;

const firstAfter = (word: string, set: RegExp): string => [...word.slice(1)].find((c) => set.test(c)) ?? 'X';
const yymmdd = (d: Date): string => d.toISOString().slice(2, 10).replaceAll('-', '');
// Spreads consecutive sequence numbers over all 36^3 three-character homoclaves.
const homoclave = (seq: number): string =>
  ((seq * 7919 + 12_345) % 46_656).toString(36).toUpperCase().padStart(3, '0');

let identitySeq = 0;

/** A plausible, per-process unique persona física: RFC and CURP follow the real derivation rules. */
function defaultPerson(): { name: string; rfc: string; curp: string } {
  const seq = identitySeq++;
  const person = PEOPLE[seq % PEOPLE.length]!;
  // 137 is coprime with 15000, so birth dates do not repeat for the first 15000 identities.
  const birth = new Date(Date.UTC(1960, 0, 1) + ((seq * 137) % 15000) * 86_400_000);
  const given = person.given.split(' ')[0]!;
  const letters = person.paternal[0]! + firstAfter(person.paternal, /[AEIOU]/) + person.maternal[0]! + given[0]!;
  const date = yymmdd(birth);
  const consonants =
    firstAfter(person.paternal, /[B-DF-HJ-NP-TV-Z]/) +
    firstAfter(person.maternal, /[B-DF-HJ-NP-TV-Z]/) +
    firstAfter(given, /[B-DF-HJ-NP-TV-Z]/);
  const differentiator = birth.getUTCFullYear() < 2000 ? '0' : 'A';
  const curp17 = `${letters}${date}${person.sex}${person.state}${consonants}${differentiator}`;
  return {
    name: `${person.given} ${person.paternal} ${person.maternal}`,
    rfc: `${letters}${date}${homoclave(seq)}`,
    curp: curp17 + curpCheckDigit(curp17),
  };
}

let companySeq = 0;

function defaultCompany(): { name: string; rfc: string } {
  const seq = companySeq++;
  const founded = new Date(Date.UTC(1990, 0, 1) + ((seq * 137) % 10000) * 86_400_000);
  return { name: 'INSTITUTO DE PRUEBAS METMEC AC', rfc: `IPM${yymmdd(founded)}${homoclave(seq)}` };
}

// 30001 + a random per-process tag + a counter: unique within a process, unlikely to collide across.
const numberTag = String(randomInt(0, 10_000_000)).padStart(7, '0');
let numberSeq = 0;

function nextNumber(): string {
  numberSeq += 1;
  return `30001${numberTag}${String(numberSeq).padStart(8, '0')}`;
}

// ---------------------------------------------------------------- e.firma / CSD

/** Mints a SAT-like FIEL or CSD certificate with its password-protected `.key`. */
export function mintEfirma(opts: MintOptions = {}): MintedCredential {
  const kind = opts.kind ?? 'FIEL';
  const persona = opts.persona ?? 'FISICA';
  const ca = opts.ca ?? testCa();
  const number = opts.number ?? nextNumber();
  if (!isCertificateNumber(number)) throw new RangeError(`number must be 20 digits, got ${JSON.stringify(number)}`);

  const person = defaultPerson();
  let name: string;
  let rfc: string;
  let representativeRfc: string | null = null;
  const curp = opts.curp ?? person.curp;
  if (persona === 'MORAL') {
    const company = defaultCompany();
    name = opts.name ?? company.name;
    rfc = opts.rfc ?? company.rfc;
    representativeRfc = opts.representativeRfc ?? person.rfc;
  } else {
    name = opts.name ?? person.name;
    rfc = opts.rfc ?? person.rfc;
  }
  const notBefore = opts.notBefore ?? DEFAULT_NOT_BEFORE;
  const notAfter = opts.notAfter ?? DEFAULT_NOT_AFTER;
  const password = opts.password ?? DEFAULT_PASSWORD;
  const keys = pooledKeyPair(opts.keyBits ?? 2048, opts.freshKey ?? false);

  const subject = [
    attribute(OID.commonName, name, 'text'),
    attribute(OID.name, name, 'text'),
    attribute(OID.organization, name, 'text'),
  ];
  if (kind === 'FIEL') {
    subject.push(
      attribute(OID.country, 'MX', 'code'),
      attribute(OID.emailAddress, opts.email ?? 'pruebas@metmec.test', 'email'),
    );
  }
  subject.push(
    attribute(OID.x500UniqueIdentifier, representativeRfc === null ? rfc : `${rfc} / ${representativeRfc}`, 'code'),
    attribute(OID.serialNumber, persona === 'MORAL' ? ` / ${curp}` : curp, 'code'),
  );
  if (kind === 'CSD') subject.push(attribute(OID.organizationalUnit, opts.organizationalUnit ?? name, 'text'));

  const extensions: object[] =
    kind === 'FIEL'
      ? [
          { name: 'basicConstraints', cA: false, critical: true },
          { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, dataEncipherment: true, keyAgreement: true },
          { name: 'nsCertType', client: true, email: true },
          { name: 'extKeyUsage', emailProtection: true, clientAuth: true },
        ]
      : [
          { name: 'basicConstraints', cA: false, critical: true },
          { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
        ];

  const cerDer = issueCertificate(
    {
      serialHex: serialHexFromCertificateNumber(number),
      subject,
      issuer: ca.subjectAttributes,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      extensions,
    },
    ca.privateKey,
  );
  // PBES2 + PBKDF2 (HMAC-SHA256 PRF, where SAT's uses SHA-1) + des-ede3-cbc; node:crypto reads both.
  const keyDer = keys.privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'des-ede3-cbc', passphrase: password });

  return {
    cerDer,
    keyDer,
    password,
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    number,
    curp,
    rfc,
    name,
    notBefore,
    notAfter,
    kind,
    persona,
    representativeRfc,
  };
}
