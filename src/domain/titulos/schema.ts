/**
 * The shape of a TituloElectronico v1.0 (spec met-titulos.md §2): element names, child order and
 * which attributes each element takes. Data only; structure.ts enforces it, model.ts reads by it.
 */
import { spec } from '../shared/element-spec.js';

export { XSI_NAMESPACE } from '../shared/xml-attributes.js';
export { spec, type AttributesOf, type ElementSpec } from '../shared/element-spec.js';

export const TITULOS_NAMESPACE = 'https://www.siged.sep.gob.mx/titulos/';

/** §2.3 */
export const ROOT = spec('TituloElectronico', ['version', 'folioControl'], []);

/** §2.4. The signer's names are not in the cadena but are required. */
export const FIRMA_RESPONSABLE = spec(
  'FirmaResponsable',
  ['nombre', 'primerApellido', 'curp', 'idCargo', 'cargo', 'sello', 'certificadoResponsable', 'noCertificadoResponsable'],
  ['segundoApellido', 'abrTitulo'],
);

/** The container: takes no attributes of its own. */
export const FIRMA_RESPONSABLES = spec('FirmaResponsables', [], []);

/** §2.5 */
export const INSTITUCION = spec('Institucion', ['cveInstitucion', 'nombreInstitucion'], []);

/** §2.6 */
export const CARRERA = spec(
  'Carrera',
  ['cveCarrera', 'nombreCarrera', 'fechaTerminacion', 'idAutorizacionReconocimiento', 'autorizacionReconocimiento'],
  ['fechaInicio', 'numeroRvoe'],
);

export const PROFESIONISTA = spec('Profesionista', ['curp', 'nombre', 'primerApellido', 'correoElectronico'], ['segundoApellido']);

export const EXPEDICION = spec(
  'Expedicion',
  [
    'fechaExpedicion',
    'idModalidadTitulacion',
    'modalidadTitulacion',
    'cumplioServicioSocial',
    'idFundamentoLegalServicioSocial',
    'fundamentoLegalServicioSocial',
    'idEntidadFederativa',
    'entidadFederativa',
  ],
  ['fechaExamenProfesional', 'fechaExencionExamenProfesional'],
);

/**
 * `entidadFederativa` is optional in W6's XSD but "requerido" in its own documentation and in U1's
 * copy of the standard (§2.6 [CONFLICT]); SEP's producers always send it, so it is required here.
 */
export const ANTECEDENTE = spec(
  'Antecedente',
  ['institucionProcedencia', 'idTipoEstudioAntecedente', 'tipoEstudioAntecedente', 'idEntidadFederativa', 'entidadFederativa', 'fechaTerminacion'],
  ['fechaInicio', 'noCedula'],
);

/** §2.8: added by the competent authority, never by the institution. */
export const AUTENTICACION = spec(
  'Autenticacion',
  ['version', 'folioDigital', 'fechaAutenticacion', 'selloTitulo', 'noCertificadoAutoridad', 'selloAutenticacion'],
  [],
);

/** Root children in SEP order (§2.1); only Autenticacion is optional. */
export const CHILD_ORDER = ['FirmaResponsables', 'Institucion', 'Carrera', 'Profesionista', 'Expedicion', 'Antecedente', 'Autenticacion'] as const;
export type ChildName = (typeof CHILD_ORDER)[number];
export const OPTIONAL_CHILDREN: ReadonlySet<ChildName> = new Set(['Autenticacion']);
