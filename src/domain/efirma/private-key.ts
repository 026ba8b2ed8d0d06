import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** The `.key` could not be opened. Deliberately vague: a wrong password and a corrupt file look alike. */
export class PrivateKeyError extends Error {
  override readonly name = 'PrivateKeyError';
}

const PEM_START = Buffer.from('-----BEGIN');

/**
 * Opens a SAT `.key` (DER PKCS#8 EncryptedPrivateKeyInfo, PBES2/3DES) with its password; PEM is
 * accepted too. Any failure is reported as "wrong password or corrupt key": with 3DES a wrong
 * password usually fails the padding check but sometimes yields garbage that fails as ASN.1.
 * An unencrypted PKCS#8 key opens whatever the password (OpenSSL ignores it).
 */
export function openPrivateKey(der: Uint8Array, password: string): KeyObject {
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  try {
    const isPem = bytes.subarray(0, 64).includes(PEM_START);
    const key = isPem
      ? createPrivateKey({ key: bytes.toString('latin1'), format: 'pem', passphrase: password })
      : createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8', passphrase: password });
    return key;
  } catch (error) {
    throw new PrivateKeyError('cannot open the private key: wrong password or corrupt key', {
      cause: error,
    });
  }
}

/** True when the private key is the pair of the certificate's (or the given) public key. */
export function privateKeyMatchesCertificate(
  key: KeyObject,
  certificate: { readonly publicKey: KeyObject },
): boolean {
  if (key.type !== 'private' || certificate.publicKey.type !== 'public') return false;
  const spki = (k: KeyObject): Buffer => k.export({ type: 'spki', format: 'der' });
  return spki(createPublicKey(key)).equals(spki(certificate.publicKey));
}
