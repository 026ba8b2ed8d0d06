/**
 * The MET WSDLs (schemas/met/TitulosElectronicos.{qa,prod}.wsdl): same names, namespace and types
 * as SEP's (spec met-titulos.md §1.2–1.4). QA has the four operations; production adds the one-way
 * `cancelarTituloInstitucion` [C2]. The files hold the placeholder `{{SOAP_ADDRESS}}`, replaced per
 * request with `<scheme>://<host>/met-ws/services/` (SEP's own is
 * `https://met.sep.gob.mx:443/met-ws/services/`).
 */
import { readFileSync } from 'node:fs';
import { repoPath } from '../../repo-path.js';

export type WsdlVariant = 'qa' | 'prod';

const PLACEHOLDER = '{{SOAP_ADDRESS}}';

const cache = new Map<WsdlVariant, string>();

/** schemas/met/TitulosElectronicos.<variant>.wsdl, resolved from the repository root (src/ or dist/src/). */
export function wsdlPath(variant: WsdlVariant): string {
  return repoPath('schemas', 'met', `TitulosElectronicos.${variant}.wsdl`);
}

/** The raw WSDL text with the address placeholder, read once per variant. */
export function wsdlTemplate(variant: WsdlVariant): string {
  let text = cache.get(variant);
  if (text === undefined) {
    text = readFileSync(wsdlPath(variant), 'utf8');
    if (!text.includes(PLACEHOLDER)) throw new Error(`WSDL ${variant} lacks the ${PLACEHOLDER} placeholder`);
    cache.set(variant, text);
  }
  return text;
}

function escapeAttr(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The soap:address for a request. `host` comes from the Host header, so anything that is not a
 * plain host[:port] (or [v6]:port) is replaced by `localhost`; scheme is `http` or `https`.
 */
export function soapAddress(scheme: string, host: string): string {
  const s = scheme === 'https' ? 'https' : 'http';
  const h = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/.test(host) ? host : 'localhost';
  return `${s}://${h}/met-ws/services/`;
}

/** The WSDL text for `variant` with `address` as the port's soap:address location. */
export function renderWsdl(variant: WsdlVariant, address: string): string {
  const location = escapeAttr(address);
  return wsdlTemplate(variant).replace(PLACEHOLDER, () => location);
}
