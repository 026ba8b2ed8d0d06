/**
 * The one catalog of stable check codes. Codes never change meaning once released; new rules get
 * new codes. The README's "Check codes" table is kept in step with this list by
 * test/domain/check-codes.test.ts, so add a row there whenever you add a code here.
 *
 * Scope tells where a code can appear: `package` (the uploaded file as a whole), `xml` (one file's
 * bytes and well-formedness), `titulo` (structure, catalogs and rules of a TituloElectronico),
 * `firma` (one FirmaResponsable's certificate and sello), `autenticacion` (the authority node),
 * `dec` (a DEC 3.0 certificado: structure, formats, catalogs, registered plan, arithmetic, signer).
 */
export type CheckScope = 'package' | 'xml' | 'titulo' | 'firma' | 'autenticacion' | 'dec';

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

  // --- dec: one DEC 3.0 (MEC certificado), in checkDec's evaluation order ---
  'DEC-ROOT': { scope: 'dec', title: 'The root element is not Dec in the certificados namespace' },
  'DEC-VERSION': { scope: 'dec', title: 'Dec/@version is not 3.0 (2.0 is refused with the date it stopped being accepted)' },
  'DEC-ELEMENT': { scope: 'dec', title: 'An element is missing, repeated, unknown or out of SEP order' },
  'DEC-NODO-SEP': { scope: 'dec', title: 'The uploaded DEC carries Dreoe or SepIpes, nodes only SEP adds' },
  'DEC-ATTR-REQUIRED': { scope: 'dec', title: 'A required attribute is missing or empty' },
  'DEC-ATTR-UNKNOWN': { scope: 'dec', title: 'An attribute is not defined for this element (names are case-sensitive)' },
  'DEC-DATE-FORMAT': { scope: 'dec', title: 'A date is not a real calendar date written AAAA-MM-DDT00:00:00' },
  'DEC-INTEGER-FORMAT': { scope: 'dec', title: 'An id or count is not an integer written without sign or leading zeros' },
  'DEC-GRADE-FORMAT': { scope: 'dec', title: 'A grade is not written as SEP asks (two decimals, 10 without; integer minimum and maximum)' },
  'DEC-CREDITS-FORMAT': { scope: 'dec', title: 'A credits value is not a decimal number' },
  'DEC-CICLO-FORMAT': { scope: 'dec', title: 'Asignatura/@ciclo is not written AAAA-C' },
  'DEC-CURP-FORMAT': { scope: 'dec', title: 'A CURP does not match the CURP pattern (Alumno may be EXTRANJERO)' },
  'DEC-FOLIO-FORMAT': { scope: 'dec', title: 'folioControl is longer than 40 characters' },
  'DEC-PIPE': { scope: 'dec', title: 'A value that enters the cadena original contains a pipe (the field separator)' },
  'DEC-CAT-TIPO-CERTIFICADO': { scope: 'dec', title: 'tipoCertificado is not 5 (IPES)' },
  'DEC-CAT-CARGO': { scope: 'dec', title: 'Responsable idCargo / cargo do not match the DEC cargos catalog (1-5)' },
  'DEC-CAT-ENTIDAD': { scope: 'dec', title: 'An entidad id / text does not match the entidades catalog (two digits, 01-32)' },
  'DEC-CAT-TIPO-PERIODO': { scope: 'dec', title: 'idTipoPeriodo / tipoPeriodo do not match the catalog' },
  'DEC-CAT-NIVEL-ESTUDIOS': { scope: 'dec', title: 'idNivelEstudios / nivelEstudios do not match the catalog' },
  'DEC-CAT-GENERO': { scope: 'dec', title: 'idGenero is not 250 or 251' },
  'DEC-CAT-TIPO-CERTIFICACION': { scope: 'dec', title: 'idTipoCertificacion / tipoCertificacion are not 79 TOTAL or 80 PARCIAL' },
  'DEC-CAT-TIPO-ASIGNATURA': { scope: 'dec', title: 'idTipoAsignatura / tipoAsignatura do not match the catalog (263-266)' },
  'DEC-CAT-OBSERVACIONES': { scope: 'dec', title: 'idObservaciones / observaciones do not match the selected observaciones catalog version' },
  'DEC-SERVICIO-FIRMANTE': { scope: 'dec', title: "ServicioFirmante/@idEntidad is not the institution's MEC id" },
  'DEC-INSTITUCION': { scope: 'dec', title: "Ipes/@idNombreInstitucion is not the institution's MEC id" },
  'DEC-CAMPUS': { scope: 'dec', title: 'Ipes/@idCampus is not a registered campus of the institution' },
  'DEC-CAMPUS-ENTIDAD': { scope: 'dec', title: "Ipes/@idEntidadFederativa is not the campus's registered entidad" },
  'DEC-PLAN': { scope: 'dec', title: 'idCarrera and clavePlan are not a plan registered by the institution' },
  'DEC-RVOE': { scope: 'dec', title: "Rvoe numero or fechaExpedicion differ from the registered plan's" },
  'DEC-PLAN-PERIODO': { scope: 'dec', title: "idTipoPeriodo differs from the registered plan's" },
  'DEC-PLAN-NIVEL': { scope: 'dec', title: "idNivelEstudios differs from the registered plan's" },
  'DEC-PLAN-ESCALA': { scope: 'dec', title: "calificacionMinima, calificacionMaxima or calificacionMinimaAprobatoria differ from the plan's" },
  'DEC-ASIGNATURA-REPETIDA': { scope: 'dec', title: 'A subject appears more than once' },
  'DEC-ASIGNATURA-PLAN': { scope: 'dec', title: 'A subject is not in the registered plan' },
  'DEC-ASIGNATURA-TIPO': { scope: 'dec', title: "A subject's idTipoAsignatura differs from the registered plan" },
  'DEC-ASIGNATURA-CREDITOS': { scope: 'dec', title: "A subject's creditos differ from the registered plan" },
  'DEC-CALIFICACION-RANGO': { scope: 'dec', title: 'A grade is outside calificacionMinima..calificacionMaxima' },
  'DEC-TOTAL': { scope: 'dec', title: 'Asignaturas/@total is not the number of subjects in the plan' },
  'DEC-ASIGNADAS': { scope: 'dec', title: 'Asignaturas/@asignadas is not the number of subjects listed' },
  'DEC-TOTAL-CREDITOS': { scope: 'dec', title: "Asignaturas/@totalCreditos is not the plan's total credits" },
  'DEC-CREDITOS-OBTENIDOS': { scope: 'dec', title: 'creditosObtenidos is not the sum of the credits of the passed subjects' },
  'DEC-PROMEDIO': { scope: 'dec', title: 'promedio is not the mean of the grades without complementarias, truncated to 2 decimals' },
  'DEC-NUMERO-CICLOS': { scope: 'dec', title: "numeroCiclos is not the number of distinct cycles (or the plan's, per option)" },
  'DEC-CERTIFICADO-TOTAL': { scope: 'dec', title: 'A TOTAL (79) certificate lacks subjects of the plan or credits' },
  'DEC-EXPEDICION-FECHA': { scope: 'dec', title: 'Expedicion/@fecha is not 1 to 90 days before the authentication date' },
  'DEC-FECHA-NACIMIENTO': { scope: 'dec', title: 'Alumno/@fechaNacimiento is implausible (future, under 15 or over 100 at expedition)' },
  'DEC-FIRMA-CERT-PARSE': { scope: 'dec', title: 'certificadoResponsable is not a base64 DER X.509 certificate' },
  'DEC-FIRMA-CERT-KEY': { scope: 'dec', title: 'The certificate key is not RSA of at least 2048 bits' },
  'DEC-FIRMA-CERT-FIEL': { scope: 'dec', title: 'The certificate is not an e.firma (FIEL) of a persona física' },
  'DEC-FIRMA-CERT-NUMERO': { scope: 'dec', title: 'noCertificadoResponsable is not the number decoded from the serial' },
  'DEC-FIRMA-CERT-CURP': { scope: 'dec', title: 'The certificate CURP differs from Responsable/@curp' },
  'DEC-FIRMA-CERT-REGISTRADO': { scope: 'dec', title: 'The certificate is not the active e.firma registered for the campus' },
  'DEC-FIRMA-CAMPUS-VENCIDA': { scope: 'dec', title: "The campus's registered e.firma expired before the authentication date" },
  'DEC-FIRMA-CERT-VIGENCIA': { scope: 'dec', title: 'The certificate is not valid on Expedicion/@fecha' },
  'DEC-FIRMA-SELLO': { scope: 'dec', title: 'sello does not verify over the cadena original rebuilt from the DEC' },
  'DEC-FOLIO-REGISTRADO': { scope: 'dec', title: 'folioControl is already registered for this institution' },
  'DEC-FOLIO-LOTE': { scope: 'dec', title: 'folioControl appears more than once in the same lote' },
});

export type CheckCode = keyof typeof CHECK_CODES;

export function isCheckCode(value: string): value is CheckCode {
  return Object.hasOwn(CHECK_CODES, value);
}
