export {
  CERTIFICATE_NUMBER_PATTERN,
  certificateNumberFromSerialHex,
  isCertificateNumber,
  serialHexFromCertificateNumber,
} from './certificate-number.js';
export {
  canonicalAttributeKey,
  firstValue,
  parseDistinguishedName,
  readSatSubject,
  unescapeRfc2253,
  type DistinguishedName,
  type SatSubject,
} from './subject.js';
export {
  CertificateParseError,
  MAX_CERTIFICATE_BYTES,
  parseCertificate,
  parseCertificateBase64,
  type EfirmaCertificate,
} from './certificate.js';
export { CertificateCache } from './certificate-cache.js';
export { signCadena, verifySello } from './sello.js';
export { openPrivateKey, PrivateKeyError, privateKeyMatchesCertificate } from './private-key.js';
