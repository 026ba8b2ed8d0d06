/**
 * The DESCRIPCION texts for DEC results, in one place.
 *
 * SEP's MEC wording is NOT public (spec mec-certificados.md §4.7: no bitácora text, screenshot or
 * issue thread was found). Every text here is this emulator's own, written in the style SEP's MET
 * (títulos) was seen to answer: `<Campo> no válido en el nodo <Nodo>: <valor>` for a bad value, and
 * the same short templates for structure problems. Where a plain "no válido" would leave the uploader
 * guessing (a refused version, an expired registered e.firma), the text also says what to do.
 */
import { structureMessages } from '../shared/structure-messages.js';

interface FieldLabel {
  readonly label: string;
  /** Spanish agreement: "CURP no válida", "Créditos no válidos". */
  readonly feminine: boolean;
  readonly plural: boolean;
}

const m = (label: string): FieldLabel => ({ label, feminine: false, plural: false });
const f = (label: string): FieldLabel => ({ label, feminine: true, plural: false });
const mp = (label: string): FieldLabel => ({ label, feminine: false, plural: true });

/** Spanish field names per attribute, in the títulos style (`Identificador de …` for ids). */
export const FIELD_LABELS: Readonly<Record<string, FieldLabel>> = {
  // Dec
  version: f('Versión'),
  tipoCertificado: m('Tipo de certificado'),
  folioControl: m('Folio de control'),
  sello: m('Sello'),
  certificadoResponsable: m('Certificado del responsable'),
  noCertificadoResponsable: m('Número de certificado del responsable'),
  // ServicioFirmante, Ipes
  idEntidad: m('Identificador de entidad'),
  idNombreInstitucion: m('Identificador de institución'),
  nombreInstitucion: m('Nombre de institución'),
  idCampus: m('Identificador de campus'),
  campus: m('Nombre de campus'),
  idEntidadFederativa: m('Identificador de entidad federativa'),
  entidadFederativa: m('Nombre de entidad federativa'),
  // Responsable, Alumno
  curp: f('CURP'),
  nombre: m('Nombre'),
  primerApellido: m('Primer apellido'),
  segundoApellido: m('Segundo apellido'),
  idCargo: m('Identificador de cargo'),
  cargo: m('Nombre de cargo'),
  // Rvoe
  numero: m('Número de RVOE'),
  fechaExpedicion: f('Fecha de expedición del RVOE'),
  // Carrera
  idCarrera: m('Identificador de carrera'),
  claveCarrera: f('Clave de carrera'),
  nombreCarrera: m('Nombre de carrera'),
  idTipoPeriodo: m('Identificador de tipo de periodo'),
  tipoPeriodo: m('Nombre de tipo de periodo'),
  clavePlan: f('Clave de plan de estudios'),
  idNivelEstudios: m('Identificador de nivel de estudios'),
  nivelEstudios: m('Nombre de nivel de estudios'),
  calificacionMinima: f('Calificación mínima'),
  calificacionMaxima: f('Calificación máxima'),
  calificacionMinimaAprobatoria: f('Calificación mínima aprobatoria'),
  // Alumno
  numeroControl: m('Número de control'),
  idGenero: m('Identificador de género'),
  fechaNacimiento: f('Fecha de nacimiento'),
  foto: f('Fotografía'),
  firmaAutografa: f('Firma autógrafa'),
  // Expedicion
  idTipoCertificacion: m('Identificador de tipo de certificación'),
  tipoCertificacion: m('Nombre de tipo de certificación'),
  fecha: f('Fecha de expedición'),
  idLugarExpedicion: m('Identificador de lugar de expedición'),
  lugarExpedicion: m('Nombre de lugar de expedición'),
  // Asignaturas
  total: m('Total de asignaturas'),
  asignadas: m('Número de asignaturas asignadas'),
  promedio: m('Promedio'),
  totalCreditos: m('Total de créditos'),
  creditosObtenidos: mp('Créditos obtenidos'),
  numeroCiclos: m('Número de ciclos'),
  // Asignatura
  idAsignatura: m('Identificador de asignatura'),
  claveAsignatura: f('Clave de asignatura'),
  ciclo: m('Ciclo'),
  calificacion: f('Calificación'),
  idObservaciones: m('Identificador de observaciones'),
  observaciones: f('Observaciones'),
  idTipoAsignatura: m('Identificador de tipo de asignatura'),
  tipoAsignatura: m('Nombre de tipo de asignatura'),
  creditos: mp('Créditos'),
};

/** The node name printed: `Asignatura[3]` is printed `Asignatura` (the value identifies it). */
export function sepNodeName(node: string): string {
  const bracket = node.indexOf('[');
  return bracket < 0 ? node : node.slice(0, bracket);
}

export const { elementMissing, elementInvalid, elementRepeated, elementOutOfOrder, attributeMissing, attributeEmpty, attributeUnknown } =
  structureMessages(sepNodeName);

function adjective(field: FieldLabel | undefined): string {
  if (field?.plural) return field.feminine ? 'válidas' : 'válidos';
  return field?.feminine ? 'válida' : 'válido';
}

/** `<Campo> no válido en el nodo <Nodo>: <valor>`, MET's template, for every bad value. */
export function invalidValue(attribute: string, node: string, value: string): string {
  const field = FIELD_LABELS[attribute];
  return `${field?.label ?? attribute} no ${adjective(field)} en el nodo ${sepNodeName(node)}: ${value}`;
}

// --- Structure. ---

export function rootInvalid(found: string): string {
  return `Nodo raíz no válido, se esperaba Dec: ${found}`;
}

/** Dreoe and SepIpes are SEP's (§1.10): the institution uploads the DEC without them. */
export function sepNodeInUpload(element: string): string {
  return `Nodo reservado para la SEP en el nodo Dec: ${element}; cargue el certificado sin los nodos Dreoe y SepIpes`;
}

// --- Version. ---

/** A 2.0 DEC is refused outright, naming the date 2.0 stopped being accepted (DecOptions.version20RefusedSince). */
export function version20Refused(since: string): string {
  return `Versión 2.0 no válida en el nodo Dec: la versión 2.0 dejó de aceptarse el ${since}; genere el certificado con la versión 3.0`;
}

// --- Registered data and arithmetic. ---

export function planNotRegistered(idCarrera: string, clavePlan: string): string {
  return `Plan de estudios no registrado en el nodo Carrera: idCarrera ${idCarrera}, clavePlan ${clavePlan}`;
}

export function asignaturaRepeated(idAsignatura: string): string {
  return `Asignatura repetida en el nodo Asignaturas: ${idAsignatura}`;
}

// --- Signer. ---

export function certificateUnreadable(): string {
  return 'Certificado del responsable no válido en el nodo Dec: no es un certificado X.509 en base64';
}

export function certificateKeyInvalid(found: string): string {
  return `Certificado del responsable no válido en el nodo Dec: la llave debe ser RSA de al menos 2048 bits (${found})`;
}

export function certificateNotFiel(): string {
  return 'Certificado del responsable no válido en el nodo Dec: no es una e.firma de persona física';
}

export function curpNotCertificate(curpXml: string, curpCertificado: string): string {
  return `CURP no válida en el nodo Responsable: ${curpXml} no es igual a la CURP de la e.firma ${curpCertificado}`;
}

export function signerNotRegistered(idCampus: string, numeroCertificado: string): string {
  return `La e.firma del responsable no está registrada para el campus ${idCampus}: ${numeroCertificado}`;
}

/** The campus's registered e.firma expired: say when, and what the institution must do (§4.6 Registration). */
export function campusEfirmaExpired(idCampus: string, fecha: string): string {
  return `La e.firma registrada para el campus ${idCampus} venció el ${fecha}; registre la e.firma vigente del responsable`;
}

export function certificateNotValidOn(fecha: string): string {
  return `La e.firma del responsable no estaba vigente en la fecha de expedición: ${fecha}`;
}

export function selloInvalid(): string {
  return 'Sello no válido en el nodo Dec: no corresponde a la cadena original del certificado';
}

// --- Folio (MET's verbatim text, títulos §5.1). ---

export function folioPreviouslyRegistered(folioControl: string): string {
  return `Folio de control previamente registrado: ${folioControl}`;
}
