import type { KeyObject } from 'node:crypto';

/** RSA PKCS#1 v1.5 + SHA-256 over the UTF-8 bytes of the cadena; false (never throws) on any malformed input. */
export function verifySello(cadena: string, selloBase64: string, publicKey: KeyObject): boolean {
  void cadena; void selloBase64; void publicKey;
  throw new Error('not implemented');
}

/** The signer side, for the CLI and fixtures: base64 RSA-SHA256 over the UTF-8 cadena. */
export function signCadena(cadena: string, privateKey: KeyObject): string {
  void cadena; void privateKey;
  throw new Error('not implemented');
}
