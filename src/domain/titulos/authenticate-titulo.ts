/**
 * The authority side of a título (spec met-titulos.md §2.8, §3.7): DGAIR (federal RVOE) adds the
 * `Autenticacion` node to a signed TituloElectronico. A pure builder; the service supplies the
 * folio, the date and the authority key.
 *
 *   <Autenticacion version="1.0" folioDigital="…uuid…" fechaAutenticacion="AAAA-MM-DDThh:mm:ss"
 *                  selloTitulo="sello1sello2…" noCertificadoAutoridad="…20 digits…"
 *                  selloAutenticacion="…"/>
 *
 * selloTitulo is the signers' sellos concatenated in document order with no separator (the
 * standard's example cadena, §3.7), and selloAutenticacion is RSA-SHA256 over
 * cadenaAutenticacion (cadena.ts), the very cadena the MET carga's AUT-SELLO check recomputes. Every
 * value in that cadena is a UUID, a date, base64 or digits, so it is the same whether or not the
 * carga escapes & " < > (METMEC_CADENA_ESCAPE_XML).
 */
import type { KeyObject } from 'node:crypto';
import type { XmlAttribute, XmlElement } from '../../intake/xml-tree.js';
import { attr } from '../../intake/xml-tree.js';
import { isCertificateNumber } from '../efirma/certificate-number.js';
import { signCadena } from '../efirma/sello.js';
import { isFechaAutenticacion } from './autenticacion.js';
import { cadenaAutenticacion } from './cadena.js';
import { AUTENTICACION, FIRMA_RESPONSABLE, ROOT, TITULOS_NAMESPACE } from './schema.js';

export const AUTENTICACION_VERSION = '1.0';

export interface AuthenticateTituloInput {
  /** RFC 4122 UUID; written lowercase, as in the standard's example (§2.8). */
  readonly folioDigital: string;
  /** AAAA-MM-DDThh:mm:ss (no zone). */
  readonly fechaAutenticacion: string;
  readonly authority: { readonly numeroCertificado: string; readonly privateKey: KeyObject };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/**
 * The título with its Autenticacion node appended as the last child. Throws TypeError when `root`
 * is not a TituloElectronico, already carries an Autenticacion, has no signer or a signer without
 * a sello, or an input value has the wrong shape. The input tree is not modified.
 */
export function authenticateTitulo(root: XmlElement, input: AuthenticateTituloInput): XmlElement {
  if (root.name !== ROOT.name || root.namespace !== TITULOS_NAMESPACE) throw new TypeError('authenticateTitulo needs a TituloElectronico root');
  if (root.children.some((c) => c.name === AUTENTICACION.name)) throw new TypeError('The título already carries an Autenticacion node');

  const folioDigital = input.folioDigital.toLowerCase();
  if (!UUID.test(folioDigital)) throw new TypeError(`folioDigital must be a UUID, got ${JSON.stringify(input.folioDigital)}`);
  const { fechaAutenticacion } = input;
  if (!LOCAL_DATE_TIME.test(fechaAutenticacion) || !isFechaAutenticacion(fechaAutenticacion)) {
    throw new TypeError(`fechaAutenticacion must be AAAA-MM-DDThh:mm:ss, got ${JSON.stringify(fechaAutenticacion)}`);
  }
  const { numeroCertificado, privateKey } = input.authority;
  if (!isCertificateNumber(numeroCertificado)) throw new TypeError(`noCertificadoAutoridad must be 20 digits, got ${JSON.stringify(numeroCertificado)}`);

  const firmas = root.children.filter((c) => c.name === 'FirmaResponsables').flatMap((c) => c.children.filter((f) => f.name === FIRMA_RESPONSABLE.name));
  if (firmas.length === 0) throw new TypeError('The título has no FirmaResponsable to authenticate');
  const sellos = firmas.map((f, i) => {
    const sello = attr(f, 'sello');
    if (sello === undefined || sello === '') throw new TypeError(`FirmaResponsable ${i + 1} has no sello`);
    return sello;
  });

  const values = {
    version: AUTENTICACION_VERSION,
    folioDigital,
    fechaAutenticacion,
    selloTitulo: sellos.join(''),
    noCertificadoAutoridad: numeroCertificado,
  };
  const selloAutenticacion = signCadena(cadenaAutenticacion(values), privateKey);
  const attributes: XmlAttribute[] = [
    { name: 'version', value: values.version },
    { name: 'folioDigital', value: values.folioDigital },
    { name: 'fechaAutenticacion', value: values.fechaAutenticacion },
    { name: 'selloTitulo', value: values.selloTitulo },
    { name: 'noCertificadoAutoridad', value: values.noCertificadoAutoridad },
    { name: 'selloAutenticacion', value: selloAutenticacion },
  ];
  const node: XmlElement = { name: AUTENTICACION.name, namespace: root.namespace, attributes, children: [], text: '' };
  return { ...root, children: [...root.children, node] };
}
