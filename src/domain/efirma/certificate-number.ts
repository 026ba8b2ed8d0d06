/**
 * The SAT "número de certificado": the certificate serial number's content bytes read as ASCII.
 * SAT writes 20 ASCII digits as the serial, so hex `3330303031…` reads as `30001…`. It is NOT the
 * decimal value of the serial INTEGER.
 */

export const CERTIFICATE_NUMBER_PATTERN = /^\d{20}$/;

const HEX_PATTERN = /^(?:[0-9A-Fa-f]{2})+$/;

export function isCertificateNumber(value: string): boolean {
  return CERTIFICATE_NUMBER_PATTERN.test(value);
}

/** Número de certificado from a serial in hex (as Node prints it); null when the bytes are not 20 ASCII digits. */
export function certificateNumberFromSerialHex(serialHex: string): string | null {
  // 20 digits are exactly 40 hex characters; checking first keeps hostile serials cheap.
  if (serialHex.length !== 40 || !HEX_PATTERN.test(serialHex)) return null;
  const text = Buffer.from(serialHex, 'hex').toString('latin1');
  return isCertificateNumber(text) ? text : null;
}

/** The serial (uppercase hex, as Node prints it) that encodes a número de certificado. */
export function serialHexFromCertificateNumber(number: string): string {
  if (!isCertificateNumber(number)) {
    throw new RangeError(`not a 20-digit número de certificado: ${JSON.stringify(number)}`);
  }
  return Buffer.from(number, 'latin1').toString('hex').toUpperCase();
}
