/**
 * Which registered títulos DGAIR authenticates (spec met-titulos.md §1.10, §2.8): those of private
 * institutions with a federal RVOE, that no authority has authenticated yet. State-RVOE títulos are
 * authenticated by the state authority, and public institutions' títulos carry no Autenticacion.
 * Pure: the use case (src/dgair) supplies the registration facts and the parsed título.
 */
import { integerIdKey } from '../catalogs/titulos.js';
import type { XmlElement } from '../../intake/xml-tree.js';
import { attr } from '../../intake/xml-tree.js';
import { AUTENTICACION, CARRERA, TITULOS_NAMESPACE } from './schema.js';

/** The catalog id of RVOE FEDERAL (§4.2), the one authorization DGAIR authenticates. */
export const RVOE_FEDERAL_ID = '1';

/** Why a folioControl of a solicitud is not authenticated: one stable code each. */
export const DGAIR_REFUSALS = {
  'DGAIR-DUPLICATE': 'folioControl appears more than once in the solicitud',
  'DGAIR-NOT-REGISTERED': 'folioControl is not a título registered by this institution in this environment',
  'DGAIR-CANCELLED': 'the título registration is cancelled',
  'DGAIR-ALREADY-AUTHENTICATED': 'the título is already authenticated',
  'DGAIR-HAS-AUTENTICACION': 'the título already carries an Autenticacion node (authenticated by another authority)',
  'DGAIR-NOT-FEDERAL-RVOE': 'the título is not of a federal RVOE (Carrera/@idAutorizacionReconocimiento is not 1, RVOE FEDERAL)',
  'DGAIR-UNREADABLE': 'the registered título cannot be read back',
} as const;

export type DgairRefusalCode = keyof typeof DGAIR_REFUSALS;

export interface DgairRefusal {
  readonly code: DgairRefusalCode;
  readonly message: string;
  /** What was found, when it helps (the authorization, the existing folioDigital). */
  readonly found?: string;
}

export function refusal(code: DgairRefusalCode, found?: string): DgairRefusal {
  return found === undefined ? { code, message: DGAIR_REFUSALS[code] } : { code, message: DGAIR_REFUSALS[code], found };
}

const childOf = (root: XmlElement, name: string): XmlElement | undefined =>
  root.children.find((c) => c.name === name && c.namespace === TITULOS_NAMESPACE);

/**
 * Why the registered título itself cannot be authenticated by DGAIR, or null when it can. The
 * título passed every MET check when it was registered, so only DGAIR's own conditions are looked at.
 */
export function documentRefusal(root: XmlElement): DgairRefusal | null {
  if (childOf(root, AUTENTICACION.name) !== undefined) return refusal('DGAIR-HAS-AUTENTICACION');
  const carrera = childOf(root, CARRERA.name);
  const written = carrera ? (attr(carrera, 'idAutorizacionReconocimiento') ?? '') : '';
  // xs:integer, as the MET carga reads it: `01` is 1 (src/domain/catalogs/catalog.ts).
  if (integerIdKey(written) !== RVOE_FEDERAL_ID) {
    const text = carrera ? attr(carrera, 'autorizacionReconocimiento') : undefined;
    return refusal('DGAIR-NOT-FEDERAL-RVOE', text === undefined ? written : `${written} ${text}`);
  }
  return null;
}
