import { sign, verify, type KeyObject } from 'node:crypto';

// Canonical, padded base64 with no whitespace. Buffer.from(…, 'base64') silently skips bad characters.
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Length of the base64 text of an RSA signature made with a key of this many bits. */
function base64LengthForBits(bits: number): number {
  return 4 * Math.ceil(Math.ceil(bits / 8) / 3);
}

/** RSA PKCS#1 v1.5 + SHA-256 over the UTF-8 bytes of the cadena; false (never throws) on any malformed input. */
export function verifySello(cadena: string, selloBase64: string, publicKey: KeyObject): boolean {
  try {
    if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'rsa') return false;
    const bits = publicKey.asymmetricKeyDetails?.modulusLength;
    if (bits === undefined || selloBase64.length !== base64LengthForBits(bits)) return false;
    if (!STRICT_BASE64.test(selloBase64)) return false;
    const signature = Buffer.from(selloBase64, 'base64');
    if (signature.length !== Math.ceil(bits / 8)) return false;
    return verify('sha256', Buffer.from(cadena, 'utf8'), publicKey, signature);
  } catch {
    return false;
  }
}

function requireRsaPrivateKey(privateKey: KeyObject): void {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') throw new TypeError('signCadena needs an RSA private key');
}

/** The signer side, for the CLI, fixtures and the authority: base64 RSA-SHA256 over the UTF-8 cadena. */
export function signCadena(cadena: string, privateKey: KeyObject): string {
  requireRsaPrivateKey(privateKey);
  return sign('sha256', Buffer.from(cadena, 'utf8'), privateKey).toString('base64');
}

