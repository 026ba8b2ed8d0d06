/**
 * The cadena original of a TituloElectronico (spec §3.1–§3.4) and of its Autenticacion (§3.7).
 *
 * 38 fields framed by `||` and separated by `|`; an absent optional keeps its empty slot (unlike
 * CFDI), so absent and `""` give the same cadena (§3.2). Each FirmaResponsable signs its own cadena,
 * which differs from the others only in positions 3–6 (§3.3). Values go in exactly as written.
 */
import type {
  AntecedenteAttributes,
  AutenticacionAttributes,
  CarreraAttributes,
  ExpedicionAttributes,
  FirmaResponsableAttributes,
  InstitucionAttributes,
  ProfesionistaAttributes,
  TituloElectronico,
} from './model.js';

export type CadenaSigner = Pick<FirmaResponsableAttributes, 'curp' | 'idCargo' | 'cargo' | 'abrTitulo'>;

export interface CadenaTitulo extends Pick<TituloElectronico, 'version' | 'folioControl'> {
  readonly institucion: InstitucionAttributes;
  readonly carrera: CarreraAttributes;
  readonly profesionista: ProfesionistaAttributes;
  readonly expedicion: ExpedicionAttributes;
  readonly antecedente: AntecedenteAttributes;
}

export type CadenaAutenticacion = Pick<AutenticacionAttributes, 'version' | 'folioDigital' | 'fechaAutenticacion' | 'selloTitulo' | 'noCertificadoAutoridad'>;

const XML_SPECIAL = /[&"<>]/;
const XML_SPECIAL_ALL = /[&"<>]/g;
const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' };

/**
 * Two producers put `&`, `"`, `<`, `>` into the cadena XML-escaped; whether SEP does is an open
 * question (§3.4), hence a context switch. The apostrophe is never escaped (W1: "no error in MET").
 */
export function escapeCadenaValue(value: string): string {
  return XML_SPECIAL.test(value) ? value.replace(XML_SPECIAL_ALL, (c) => XML_ESCAPES[c] as string) : value;
}

function join(values: readonly (string | undefined)[], escapeXml: boolean): string {
  let s = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? '';
    s += (i === 0 ? '' : '|') + (escapeXml ? escapeCadenaValue(v) : v);
  }
  return s;
}

/** The parts every signer shares: fields 1–2 and 7–38, framing included. */
export interface CadenaParts {
  readonly head: string;
  readonly tail: string;
  readonly escapeXml: boolean;
}

export function cadenaParts(t: CadenaTitulo, escapeXml: boolean): CadenaParts {
  const { institucion: i, carrera: c, profesionista: p, expedicion: e, antecedente: a } = t;
  const head = `||${join([t.version, t.folioControl], escapeXml)}|`;
  const tail = `|${join(
    [
      i.cveInstitucion, // 7
      i.nombreInstitucion,
      c.cveCarrera,
      c.nombreCarrera, // 10
      c.fechaInicio,
      c.fechaTerminacion,
      c.idAutorizacionReconocimiento,
      c.autorizacionReconocimiento,
      c.numeroRvoe, // 15
      p.curp,
      p.nombre,
      p.primerApellido,
      p.segundoApellido,
      p.correoElectronico, // 20
      e.fechaExpedicion,
      e.idModalidadTitulacion,
      e.modalidadTitulacion,
      e.fechaExamenProfesional,
      e.fechaExencionExamenProfesional, // 25
      e.cumplioServicioSocial,
      e.idFundamentoLegalServicioSocial,
      e.fundamentoLegalServicioSocial,
      e.idEntidadFederativa,
      e.entidadFederativa, // 30
      a.institucionProcedencia,
      a.idTipoEstudioAntecedente,
      a.tipoEstudioAntecedente,
      a.idEntidadFederativa,
      a.entidadFederativa, // 35
      a.fechaInicio,
      a.fechaTerminacion,
      a.noCedula, // 38
    ],
    escapeXml,
  )}||`;
  return { head, tail, escapeXml };
}

/** The cadena one signer signs: the shared parts around that signer's fields 3–6. */
export function cadenaForSigner(parts: CadenaParts, signer: CadenaSigner): string {
  return parts.head + join([signer.curp, signer.idCargo, signer.cargo, signer.abrTitulo], parts.escapeXml) + parts.tail;
}

export function cadenaOriginal(t: CadenaTitulo, signer: CadenaSigner, escapeXml = false): string {
  return cadenaForSigner(cadenaParts(t, escapeXml), signer);
}

/**
 * `||version|folioDigital|fechaAutenticacion|selloTitulo|noCertificadoAutoridad||` (§3.7), with
 * selloTitulo exactly as written in the attribute (the signers' sellos concatenated by the authority).
 */
export function cadenaAutenticacion(a: CadenaAutenticacion, escapeXml = false): string {
  return `||${join([a.version, a.folioDigital, a.fechaAutenticacion, a.selloTitulo, a.noCertificadoAutoridad], escapeXml)}||`;
}
