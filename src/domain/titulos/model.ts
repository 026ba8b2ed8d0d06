/**
 * The typed TituloElectronico read from the safe XML tree. Every attribute is kept exactly as
 * written (never trimmed); undefined means absent and '' means written empty, because the two are
 * distinct for "required" checks even though they give the same cadena slot (§3.2).
 */
import type { XmlElement } from '../../intake/xml-tree.js';
import {
  ANTECEDENTE,
  AUTENTICACION,
  CARRERA,
  EXPEDICION,
  FIRMA_RESPONSABLE,
  INSTITUCION,
  PROFESIONISTA,
  ROOT,
  type AttributesOf,
} from './schema.js';
import { readAttributes } from '../shared/element-spec.js';

export type FirmaResponsableAttributes = AttributesOf<typeof FIRMA_RESPONSABLE>;
export type InstitucionAttributes = AttributesOf<typeof INSTITUCION>;
export type CarreraAttributes = AttributesOf<typeof CARRERA>;
export type ProfesionistaAttributes = AttributesOf<typeof PROFESIONISTA>;
export type ExpedicionAttributes = AttributesOf<typeof EXPEDICION>;
export type AntecedenteAttributes = AttributesOf<typeof ANTECEDENTE>;
export type AutenticacionAttributes = AttributesOf<typeof AUTENTICACION>;

export interface FirmaResponsable extends FirmaResponsableAttributes {
  /** `FirmaResponsable` when it is the only signer, else `FirmaResponsable[i]` (1-based). */
  readonly node: string;
}

export interface TituloElectronico extends AttributesOf<typeof ROOT> {
  readonly firmas: readonly FirmaResponsable[];
  readonly institucion: InstitucionAttributes;
  readonly carrera: CarreraAttributes;
  readonly profesionista: ProfesionistaAttributes;
  readonly expedicion: ExpedicionAttributes;
  readonly antecedente: AntecedenteAttributes;
  readonly autenticacion: AutenticacionAttributes | null;
}

/** The elements structure.ts located; the model is read only when all required ones exist. */
export interface TituloElements {
  readonly root: XmlElement;
  readonly firmaResponsables: XmlElement;
  readonly firmas: readonly XmlElement[];
  readonly institucion: XmlElement;
  readonly carrera: XmlElement;
  readonly profesionista: XmlElement;
  readonly expedicion: XmlElement;
  readonly antecedente: XmlElement;
  readonly autenticacion: XmlElement | null;
}

export { given, readAttributes } from '../shared/element-spec.js';

export function firmaNode(index: number, count: number): string {
  return count === 1 ? 'FirmaResponsable' : `FirmaResponsable[${index + 1}]`;
}

export function readTitulo(elements: TituloElements): TituloElectronico {
  const count = elements.firmas.length;
  return {
    ...readAttributes(elements.root, ROOT),
    firmas: elements.firmas.map((el, i) => ({ ...readAttributes(el, FIRMA_RESPONSABLE), node: firmaNode(i, count) })),
    institucion: readAttributes(elements.institucion, INSTITUCION),
    carrera: readAttributes(elements.carrera, CARRERA),
    profesionista: readAttributes(elements.profesionista, PROFESIONISTA),
    expedicion: readAttributes(elements.expedicion, EXPEDICION),
    antecedente: readAttributes(elements.antecedente, ANTECEDENTE),
    autenticacion: elements.autenticacion ? readAttributes(elements.autenticacion, AUTENTICACION) : null,
  };
}
