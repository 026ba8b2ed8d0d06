/**
 * The typed DEC read from the safe XML tree. Every attribute is kept exactly as written (never
 * trimmed); undefined means absent and '' means written empty.
 */
import type { XmlElement } from '../../intake/xml-tree.js';
import { readAttributes, type AttributesOf } from '../shared/element-spec.js';
import { ALUMNO, ASIGNATURA, ASIGNATURAS, CARRERA, EXPEDICION, IPES, RESPONSABLE, ROOT, RVOE, SERVICIO_FIRMANTE } from './schema.js';

export type DecRootAttributes = AttributesOf<typeof ROOT>;
export type ServicioFirmanteAttributes = AttributesOf<typeof SERVICIO_FIRMANTE>;
export type IpesAttributes = AttributesOf<typeof IPES>;
export type ResponsableAttributes = AttributesOf<typeof RESPONSABLE>;
export type RvoeAttributes = AttributesOf<typeof RVOE>;
export type CarreraAttributes = AttributesOf<typeof CARRERA>;
export type AlumnoAttributes = AttributesOf<typeof ALUMNO>;
export type ExpedicionAttributes = AttributesOf<typeof EXPEDICION>;
export type AsignaturasAttributes = AttributesOf<typeof ASIGNATURAS>;

export interface Asignatura extends AttributesOf<typeof ASIGNATURA> {
  /** `Asignatura[i]` (1-based), as check results name it. */
  readonly node: string;
}

export interface Dec extends DecRootAttributes {
  readonly servicioFirmante: ServicioFirmanteAttributes;
  readonly ipes: IpesAttributes;
  readonly responsable: ResponsableAttributes;
  readonly rvoe: RvoeAttributes;
  readonly carrera: CarreraAttributes;
  readonly alumno: AlumnoAttributes;
  readonly expedicion: ExpedicionAttributes;
  readonly asignaturas: AsignaturasAttributes;
  readonly subjects: readonly Asignatura[];
}

/** The elements structure.ts located; the model is read only when all required ones exist. */
export interface DecElements {
  readonly root: XmlElement;
  readonly servicioFirmante: XmlElement;
  readonly ipes: XmlElement;
  readonly responsable: XmlElement;
  readonly rvoe: XmlElement;
  readonly carrera: XmlElement;
  readonly alumno: XmlElement;
  readonly expedicion: XmlElement;
  readonly asignaturas: XmlElement;
  readonly subjects: readonly XmlElement[];
}

export function asignaturaNode(index: number): string {
  return `Asignatura[${index + 1}]`;
}

export function readDec(elements: DecElements): Dec {
  return {
    ...readAttributes(elements.root, ROOT),
    servicioFirmante: readAttributes(elements.servicioFirmante, SERVICIO_FIRMANTE),
    ipes: readAttributes(elements.ipes, IPES),
    responsable: readAttributes(elements.responsable, RESPONSABLE),
    rvoe: readAttributes(elements.rvoe, RVOE),
    carrera: readAttributes(elements.carrera, CARRERA),
    alumno: readAttributes(elements.alumno, ALUMNO),
    expedicion: readAttributes(elements.expedicion, EXPEDICION),
    asignaturas: readAttributes(elements.asignaturas, ASIGNATURAS),
    subjects: elements.subjects.map((el, i) => ({ ...readAttributes(el, ASIGNATURA), node: asignaturaNode(i) })),
  };
}

export { given } from '../shared/element-spec.js';
