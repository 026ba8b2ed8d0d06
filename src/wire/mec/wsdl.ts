/**
 * The MEC WSDL (schemas/mec/CertificadosElectronicos.wsdl): this service's own contract for
 * certificados, in the style of SEP's MET WSDL (why its namespace is SEP's is said in the file).
 * One document for both environments: QA and production are told apart by the credentials.
 */
import { repoPath } from '../../repo-path.js';
import { fillWsdl, readWsdlTemplate, soapAddress } from '../soap/wsdl.js';

export const MEC_SERVICES_PATH = '/mec-ws/services';

/** schemas/mec/CertificadosElectronicos.wsdl, resolved from the repository root (src/ or dist/src/). */
function mecWsdlPath(): string {
  return repoPath('schemas', 'mec', 'CertificadosElectronicos.wsdl');
}

/** The WSDL with `<scheme>://<host>/mec-ws/services/` (Host header sanitised) as its soap:address. */
export function renderMecWsdl(scheme: string, host: string): string {
  return fillWsdl(readWsdlTemplate(mecWsdlPath()), soapAddress(scheme, host, MEC_SERVICES_PATH));
}
