/**
 * The MET WSDLs (schemas/met/TitulosElectronicos.{qa,prod}.wsdl): same names, namespace and types
 * as SEP's (spec met-titulos.md §1.2–1.4). QA has the four operations; production adds the one-way
 * `cancelarTituloInstitucion` [C2]. The soap:address is filled in per request (src/wire/soap/wsdl.ts).
 */
import { repoPath } from '../../repo-path.js';
import { fillWsdl, readWsdlTemplate, soapAddress as serviceAddress } from '../soap/wsdl.js';

export type WsdlVariant = 'qa' | 'prod';

export const MET_SERVICES_PATH = '/met-ws/services';

/** schemas/met/TitulosElectronicos.<variant>.wsdl, resolved from the repository root (src/ or dist/src/). */
export function wsdlPath(variant: WsdlVariant): string {
  return repoPath('schemas', 'met', `TitulosElectronicos.${variant}.wsdl`);
}

/** The raw WSDL text with the address placeholder, read once per variant. */
export function wsdlTemplate(variant: WsdlVariant): string {
  return readWsdlTemplate(wsdlPath(variant));
}

/** The MET soap:address for a request: `<scheme>://<host>/met-ws/services/`, Host header sanitised. */
export function soapAddress(scheme: string, host: string): string {
  return serviceAddress(scheme, host, MET_SERVICES_PATH);
}

/** The WSDL text for `variant` with `address` as the port's soap:address location. */
export function renderWsdl(variant: WsdlVariant, address: string): string {
  return fillWsdl(wsdlTemplate(variant), address);
}
