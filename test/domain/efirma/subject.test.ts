import t from 'tap';
import { X509Certificate } from 'node:crypto';
import {
  canonicalAttributeKey,
  parseDistinguishedName,
  readSatSubject,
  unescapeRfc2253,
} from '../../../src/domain/efirma/subject.js';
import { mintEfirma } from '../../support/pki.js';

t.test('unescapes RFC 2253 as OpenSSL writes it', async (t) => {
  t.equal(unescapeRfc2253('plain'), 'plain');
  t.equal(unescapeRfc2253('\\ / VADA800927HSRSRL05'), ' / VADA800927HSRSRL05');
  t.equal(unescapeRfc2253('Av. Hidalgo 77\\, Col. Guerrero'), 'Av. Hidalgo 77, Col. Guerrero');
  t.equal(unescapeRfc2253('\\#lead\\; \\"q\\" \\<t\\> \\\\ back'), '#lead; "q" <t> \\ back');
  t.equal(unescapeRfc2253('a\\+b'), 'a+b');
  t.equal(unescapeRfc2253('\\ both\\ '), ' both ');
  t.equal(unescapeRfc2253('line1\\0Aline2\\09tab\\7F'), 'line1\nline2\ttab\x7f');
  t.equal(unescapeRfc2253('\\\\41'), '\\41', 'an escaped backslash is not the start of a hex pair');
  t.equal(unescapeRfc2253('\\C3\\91UZCO'), 'ÑUZCO', 'hex escapes of UTF-8 bytes decode as UTF-8');
  t.equal(unescapeRfc2253('trailing\\'), 'trailing\\');
});

t.test('parses the printed subject of a SAT persona moral', async (t) => {
  const text =
    'CN=ESCUELA KEMPER URGATE SA DE CV\nname=ESCUELA KEMPER URGATE SA DE CV\nO=ESCUELA KEMPER URGATE SA DE CV\n' +
    'C=MX\nemailAddress=SATpruebas@pruebas.gob.mx\nx500UniqueIdentifier=EKU9003173C9 / VADA800927DJ3\n' +
    'serialNumber=\\ / VADA800927HSRSRL05';
  const dn = parseDistinguishedName(text);
  t.strictSame(dn.get('serialNumber'), [' / VADA800927HSRSRL05']);
  t.strictSame(dn.get('x500UniqueIdentifier'), ['EKU9003173C9 / VADA800927DJ3']);
  t.strictSame(readSatSubject(dn), {
    rfc: 'EKU9003173C9',
    representativeRfc: 'VADA800927DJ3',
    curp: 'VADA800927HSRSRL05',
    name: 'ESCUELA KEMPER URGATE SA DE CV',
    organizationalUnit: null,
    email: 'SATpruebas@pruebas.gob.mx',
  });
});

t.test('persona física, CSD with OU, name falls back to CN', async (t) => {
  const fisica = readSatSubject(
    parseDistinguishedName('CN=KARLA FUENTE NOLASCO\nx500UniqueIdentifier=FUNK671228PH6\nserialNumber=FUNK671228MCLNLR05\nOU=SUCURSAL 1'),
  );
  t.strictSame(fisica, {
    rfc: 'FUNK671228PH6',
    representativeRfc: null,
    curp: 'FUNK671228MCLNLR05',
    name: 'KARLA FUENTE NOLASCO',
    organizationalUnit: 'SUCURSAL 1',
    email: null,
  });
  t.strictSame(readSatSubject(parseDistinguishedName('CN=X\nserialNumber=\\ / ')), {
    rfc: null,
    representativeRfc: null,
    curp: null,
    name: 'X',
    organizationalUnit: null,
    email: null,
  });
  t.equal(readSatSubject(parseDistinguishedName('x500UniqueIdentifier=\\ / VADA800927DJ3')).rfc, null);
});

t.test('dotted OIDs and long names fold to the short keys', async (t) => {
  t.equal(canonicalAttributeKey('2.5.4.45'), 'x500UniqueIdentifier');
  t.equal(canonicalAttributeKey('2.5.4.41'), 'name');
  t.equal(canonicalAttributeKey('1.2.3.4'), '1.2.3.4');
  const dn = parseDistinguishedName('2.5.4.3=CN VALUE\n2.5.4.41=THE NAME\n2.5.4.45=ABC123456XY9\n2.5.4.5=CURP0');
  const sat = readSatSubject(dn);
  t.equal(sat.name, 'THE NAME');
  t.equal(sat.rfc, 'ABC123456XY9');
  t.equal(sat.curp, 'CURP0');
  t.strictSame(dn.get('CN'), ['CN VALUE']);
});

t.test('multi-valued keys and multi-valued RDNs', async (t) => {
  // What Node prints for `/CN=a\, b+OU=x ` followed by `/OU=second` (checked with openssl req).
  const dn = parseDistinguishedName('OU=x\\  + CN=a\\, b\nname=nm\nOU=second\nOU=a \\+ b');
  t.strictSame(dn.get('OU'), ['x ', 'second', 'a + b']);
  t.strictSame(dn.get('CN'), ['a, b']);
  t.equal(readSatSubject(dn).organizationalUnit, 'x', 'first OU, trimmed');
  t.strictSame([...dn.keys()], ['OU', 'CN', 'name']);
});

t.test('Ñ stored as T61String (Latin-1) reads correctly through node:crypto', async (t) => {
  const minted = mintEfirma({ name: 'LUIS IAN ÑUZCO', rfc: 'IAÑL750210963' });
  // The DER really holds T61String (tag 0x14) with the Latin-1 byte 0xD1 for Ñ.
  const rfcLatin1 = Buffer.from('IAÑL750210963', 'latin1');
  t.ok(minted.cerDer.includes(Buffer.concat([Buffer.from([0x14, rfcLatin1.length]), rfcLatin1])), 'RFC as T61String');
  const nameLatin1 = Buffer.from('LUIS IAN ÑUZCO', 'latin1');
  t.ok(minted.cerDer.includes(Buffer.concat([Buffer.from([0x14, nameLatin1.length]), nameLatin1])), 'name as T61String');

  const sat = readSatSubject(parseDistinguishedName(new X509Certificate(minted.cerDer).subject));
  t.equal(sat.rfc, 'IAÑL750210963');
  t.equal(sat.name, 'LUIS IAN ÑUZCO');
  t.equal(sat.curp, minted.curp);
});
