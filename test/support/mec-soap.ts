/**
 * Helpers for the MEC SOAP tests: a typed handle on a node-soap client's operations, a hand-built
 * request envelope (for what a generated client would never send) and a zip reader.
 */
import type * as soap from 'soap';

export const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SEP_NS = 'http://ws.web.mec.sep.mx/schemas';
export const MEC_WSDL_PATH = '/mec-ws/services/CertificadosElectronicos.wsdl';

export type SoapResult = Record<string, unknown>;
export type SoapOp = (args: unknown) => Promise<[SoapResult, string]>;

/** `client.<name>Async`, bound: resolves with [parsed result, raw response]. */
export function soapOp(client: soap.Client, name: string): SoapOp {
  const fn = (client as unknown as Record<string, SoapOp | undefined>)[`${name}Async`];
  if (!fn) throw new Error(`client has no ${name}Async`);
  return fn.bind(client);
}

/** A SOAP 1.1 envelope whose Body holds `<sch:${operation}Request>` with `inner` (raw XML) and the credentials. */
export function mecEnvelope(operation: string, inner: string, usuario: string, password: string): string {
  return `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:sch="${SEP_NS}"><soapenv:Body><sch:${operation}Request>${inner}` +
    `<sch:autenticacion><sch:usuario>${usuario}</sch:usuario><sch:password>${password}</sch:password></sch:autenticacion>` +
    `</sch:${operation}Request></soapenv:Body></soapenv:Envelope>`;
}

