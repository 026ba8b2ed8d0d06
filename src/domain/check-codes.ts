/**
 * The one catalog of stable check codes. Codes never change meaning once released; new rules get
 * new codes. The README's "Check codes" table is kept in step with this list by
 * test/domain/check-codes.test.ts, so add a row there whenever you add a code here.
 *
 * Scope tells where a code can appear: `package` (the uploaded file as a whole), `xml` (one file's
 * bytes and well-formedness), `titulo` (structure, catalogs and rules of a TituloElectronico),
 * `firma` (one FirmaResponsable's certificate and sello), `autenticacion` (the authority node).
 */
export type CheckScope = 'package' | 'xml' | 'titulo' | 'firma' | 'autenticacion';

interface CodeInfo {
  readonly scope: CheckScope;
  readonly title: string;
}

function codes<T extends Record<string, CodeInfo>>(table: T): T {
  return table;
}

export const CHECK_CODES = codes({
  // --- package: the uploaded file (one XML or a zip of XMLs) ---
  'PKG-EMPTY': { scope: 'package', title: 'The uploaded file is empty' },
  'PKG-TOO-LARGE': { scope: 'package', title: 'The uploaded file exceeds the compressed size cap' },
  'PKG-FORMAT': { scope: 'package', title: 'The uploaded file is neither a zip nor an XML document' },
  'PKG-ZIP-CORRUPT': { scope: 'package', title: 'The zip cannot be read (corrupt, truncated, encrypted or unsupported)' },
  'PKG-ZIP-ENTRIES': { scope: 'package', title: 'The zip holds more entries than allowed' },
  'PKG-ZIP-NAME': { scope: 'package', title: 'A zip entry name is not a flat *.xml file name' },
  'PKG-ZIP-DUPLICATE': { scope: 'package', title: 'Two zip entries have the same name' },
  'PKG-ZIP-ENTRY-SIZE': { scope: 'package', title: 'A zip entry inflates past the per-entry cap' },
  'PKG-ZIP-TOTAL-SIZE': { scope: 'package', title: 'The zip inflates past the total cap' },
  'PKG-ZIP-RATIO': { scope: 'package', title: 'A zip entry exceeds the allowed compression ratio' },
  'PKG-ZIP-CRC': { scope: 'package', title: 'A zip entry fails its CRC-32 check' },
  'PKG-ZIP-NO-XML': { scope: 'package', title: 'The zip holds no XML file' },
  'PKG-INTERNAL': { scope: 'package', title: 'The lote could not be processed after repeated attempts (internal error)' },

  // --- xml: one document's bytes ---
  'XML-ENCODING': { scope: 'xml', title: 'The document is not UTF-8' },
  'XML-DOCTYPE': { scope: 'xml', title: 'The document carries a DOCTYPE (refused: no DTDs, no entities)' },
  'XML-MALFORMED': { scope: 'xml', title: 'The document is not well-formed XML' },
  'XML-DUPLICATE-ATTRIBUTE': { scope: 'xml', title: 'An element repeats an attribute' },
  'XML-LIMIT': { scope: 'xml', title: 'The document exceeds a size, depth or attribute-length limit' },

  // --- titulo: structure and formats ---
  'TIT-ROOT': { scope: 'titulo', title: 'The root element is not TituloElectronico in the títulos namespace' },
  'TIT-VERSION': { scope: 'titulo', title: 'TituloElectronico/@version is not 1.0' },
  'TIT-ELEMENT': { scope: 'titulo', title: 'An element is missing, repeated, unknown or out of SEP order' },
  'TIT-ATTR-REQUIRED': { scope: 'titulo', title: 'A required attribute is missing or empty' },
  'TIT-ATTR-UNKNOWN': { scope: 'titulo', title: 'An attribute is not defined for this element' },
  'TIT-DATE-FORMAT': { scope: 'titulo', title: 'A date is not a real calendar date written AAAA-MM-DD' },
  'TIT-INTEGER-FORMAT': { scope: 'titulo', title: 'An id is not an integer' },
  'TIT-CURP-FORMAT': { scope: 'titulo', title: 'A CURP does not match the CURP pattern' },
  'TIT-EMAIL-FORMAT': { scope: 'titulo', title: 'correoElectronico is not an e-mail address' },
  'TIT-SERVICIO-SOCIAL': { scope: 'titulo', title: 'cumplioServicioSocial is not 0 or 1' },

  // --- titulo: catalogs (id and description text) ---
  'TIT-CAT-CARGO': { scope: 'titulo', title: 'idCargo / cargo do not match the cargos catalog' },
  'TIT-CAT-AUTORIZACION': { scope: 'titulo', title: 'idAutorizacionReconocimiento / autorizacionReconocimiento do not match the catalog' },
  'TIT-CAT-MODALIDAD': { scope: 'titulo', title: 'idModalidadTitulacion / modalidadTitulacion do not match the catalog' },
  'TIT-CAT-FUNDAMENTO': { scope: 'titulo', title: 'idFundamentoLegalServicioSocial / fundamentoLegalServicioSocial do not match the catalog' },
  'TIT-CAT-ESTUDIO-ANTECEDENTE': { scope: 'titulo', title: 'idTipoEstudioAntecedente / tipoEstudioAntecedente do not match the catalog' },
  'TIT-CAT-ENTIDAD': { scope: 'titulo', title: 'idEntidadFederativa / entidadFederativa do not match the entidades catalog (two digits)' },

  // --- titulo: business rules ---
  'TIT-FECHA-EXAMEN': { scope: 'titulo', title: 'Exactly one of the exam / exemption dates, the one the modalidad calls for' },
  'TIT-RVOE': { scope: 'titulo', title: 'numeroRvoe is required when the authorization is an RVOE' },
  'TIT-CEDULA': { scope: 'titulo', title: 'noCedula is required when the antecedent is a licenciatura or maestría' },
  'TIT-DATE-ORDER': { scope: 'titulo', title: 'Dates are out of order (start after end, or after expedition)' },
  'TIT-EXPEDICION-FUTURA': { scope: 'titulo', title: 'fechaExpedicion is later than the service date' },
  'TIT-INSTITUCION': { scope: 'titulo', title: 'cveInstitucion is not the institution of the credentials' },
  'TIT-FOLIO-REGISTRADO': { scope: 'titulo', title: 'folioControl is already registered for this institution' },
  'TIT-FOLIO-LOTE': { scope: 'titulo', title: 'folioControl appears more than once in the same lote' },
  'TIT-RENAPO-CURP': { scope: 'titulo', title: 'The graduate CURP is not in the emulated RENAPO registry' },
  'TIT-RENAPO-NOMBRE': { scope: 'titulo', title: 'The graduate name differs from the emulated RENAPO registry' },

  // --- firma: each FirmaResponsable ---
  'FIRMA-CERT-PARSE': { scope: 'firma', title: 'certificadoResponsable is not a base64 DER X.509 certificate' },
  'FIRMA-CERT-KEY': { scope: 'firma', title: 'The certificate key is not RSA of at least 2048 bits' },
  'FIRMA-CERT-FIEL': { scope: 'firma', title: 'The certificate is not an e.firma (FIEL) of a persona física' },
  'FIRMA-CERT-NUMERO': { scope: 'firma', title: 'noCertificadoResponsable is not the number decoded from the serial' },
  'FIRMA-CERT-CURP': { scope: 'firma', title: 'The certificate CURP differs from FirmaResponsable/@curp' },
  'FIRMA-CERT-REGISTRADO': { scope: 'firma', title: 'The certificate is not a registered, active signer of this institution' },
  'FIRMA-CERT-VIGENCIA': { scope: 'firma', title: 'The certificate is not valid on fechaExpedicion' },
  'FIRMA-SELLO': { scope: 'firma', title: 'sello does not verify over the cadena original rebuilt from the document' },

  // --- autenticacion: the authority node (state-RVOE títulos, DGAIR) ---
  'AUT-ATTR': { scope: 'autenticacion', title: 'Autenticacion lacks a required attribute or has a malformed one' },
  'AUT-SELLO': { scope: 'autenticacion', title: 'selloAutenticacion verifies with a registered authority certificate' },
});

export type CheckCode = keyof typeof CHECK_CODES;

export function isCheckCode(value: string): value is CheckCode {
  return Object.hasOwn(CHECK_CODES, value);
}
