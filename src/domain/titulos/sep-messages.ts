/**
 * SEP's DESCRIPCION texts for títulos, in one place (spec met-titulos.md §5.1).
 *
 * Verbatim from real SEP answers: the `<Campo> no válido en el nodo <Nodo>: <valor>` pattern, the
 * RENAPO texts, the "Error Bus criptografico" texts (SEP writes "criptografico" without accent) and
 * the duplicate-folio text. SEP's wording for structure problems was never observed; those templates
 * are this emulator's own, written in the same style, and are marked as such below.
 */
import { structureMessages } from '../shared/structure-messages.js';

interface FieldLabel {
  readonly label: string;
  /** Spanish agreement: "CURP no válida", "Nombre de cargo no válido". */
  readonly feminine: boolean;
}

const m = (label: string): FieldLabel => ({ label, feminine: false });
const f = (label: string): FieldLabel => ({ label, feminine: true });

/**
 * Spanish field names per attribute. `Identificador de entidad federativa`, `Nombre de cargo` and
 * `CURP` are SEP's own (§5.1); the rest follow them: `Identificador de …` for ids, `Nombre de …` for
 * the catalog description that goes with an id.
 */
export const FIELD_LABELS: Readonly<Record<string, FieldLabel>> = {
  // TituloElectronico, Autenticacion
  version: f('Versión'),
  folioControl: m('Folio de control'),
  // FirmaResponsable, Profesionista
  nombre: m('Nombre'),
  primerApellido: m('Primer apellido'),
  segundoApellido: m('Segundo apellido'),
  curp: f('CURP'),
  idCargo: m('Identificador de cargo'),
  cargo: m('Nombre de cargo'),
  abrTitulo: f('Abreviatura de título'),
  sello: m('Sello'),
  certificadoResponsable: m('Certificado del responsable'),
  noCertificadoResponsable: m('Número de certificado del responsable'),
  // Institucion
  cveInstitucion: f('Clave de institución'),
  nombreInstitucion: m('Nombre de institución'),
  // Carrera
  cveCarrera: f('Clave de carrera'),
  nombreCarrera: m('Nombre de carrera'),
  fechaInicio: f('Fecha de inicio'),
  fechaTerminacion: f('Fecha de terminación'),
  idAutorizacionReconocimiento: m('Identificador de autorización o reconocimiento'),
  autorizacionReconocimiento: m('Nombre de autorización o reconocimiento'),
  numeroRvoe: m('Número de RVOE'),
  // Profesionista
  correoElectronico: m('Correo electrónico'),
  // Expedicion
  fechaExpedicion: f('Fecha de expedición'),
  idModalidadTitulacion: m('Identificador de modalidad de titulación'),
  modalidadTitulacion: m('Nombre de modalidad de titulación'),
  fechaExamenProfesional: f('Fecha de examen profesional'),
  fechaExencionExamenProfesional: f('Fecha de exención de examen profesional'),
  cumplioServicioSocial: m('Cumplimiento de servicio social'),
  idFundamentoLegalServicioSocial: m('Identificador de fundamento legal de servicio social'),
  fundamentoLegalServicioSocial: m('Nombre de fundamento legal de servicio social'),
  idEntidadFederativa: m('Identificador de entidad federativa'),
  entidadFederativa: m('Nombre de entidad federativa'),
  // Antecedente
  institucionProcedencia: f('Institución de procedencia'),
  idTipoEstudioAntecedente: m('Identificador de tipo de estudio antecedente'),
  tipoEstudioAntecedente: m('Nombre de tipo de estudio antecedente'),
  noCedula: m('Número de cédula'),
  // Autenticacion
  folioDigital: m('Folio digital'),
  fechaAutenticacion: f('Fecha de autenticación'),
  selloTitulo: m('Sello del título'),
  noCertificadoAutoridad: m('Número de certificado de la autoridad'),
  selloAutenticacion: m('Sello de autenticación'),
};

/**
 * The node name SEP prints. For every FirmaResponsable SEP wrote the container's plural name:
 * `Nombre de cargo no válido en el nodo FirmaResponsables: …` (§5.1).
 */
export function sepNodeName(node: string): string {
  return node.startsWith('FirmaResponsable') ? 'FirmaResponsables' : node;
}

export const { elementMissing, elementInvalid, elementRepeated, elementOutOfOrder, attributeMissing, attributeEmpty, attributeUnknown } =
  structureMessages(sepNodeName);

/** `<Campo> no válido en el nodo <Nodo>: <valor>`: SEP's template for format and catalog errors (§5.1). */
export function invalidValue(attribute: string, node: string, value: string): string {
  const field = FIELD_LABELS[attribute];
  const label = field?.label ?? attribute;
  const adjective = field?.feminine ? 'válida' : 'válido';
  return `${label} no ${adjective} en el nodo ${sepNodeName(node)}: ${value}`;
}

// --- Structure: SEP's wording never observed; this emulator's own templates in SEP's style. ---

export function rootInvalid(found: string): string {
  return `Nodo raíz no válido, se esperaba TituloElectronico: ${found}`;
}

// --- Verbatim SEP texts (§5.1). ---

export const BUS_SELLO_NOT_AUTHENTICATED = 'Error Bus criptografico: La Secuencia no ha sido autenticada';
export const BUS_CERTIFICATE_NOT_REGISTERED = 'Error Bus criptografico: El certificado de Emisor no ha sido registrado o es inválido';

/** Which CURP goes first is not certain (§5.1); here the XML's, then the certificate's. */
export function busCurpMismatch(curpXml: string, curpCertificado: string): string {
  return `Error Bus criptografico: La Curp del ${curpXml} no es igual a: ${curpCertificado}`;
}

export const RENAPO_CURP_UNKNOWN =
  'Validación RENAPO, CURP no válida en el nodo Profesionista: La CURP no se encuentra en la base de datos';

export function renapoNameInvalid(nombre: string): string {
  return `Validación RENAPO, nombre no válido en el nodo Profesionista: ${nombre}`;
}

/** ESTATUS 1 (§5.1). */
export const TITULO_REGISTRADO = 'Título electrónico registrado exitosamente';

export function folioPreviouslyRegistered(folioControl: string): string {
  return `Folio de control previamente registrado: ${folioControl}`;
}
