/**
 * WSDL files served with their port's soap:address filled in per request. Each file under schemas/
 * holds the placeholder `{{SOAP_ADDRESS}}`, replaced with `<scheme>://<host><servicesPath>/` of
 * the request (SEP's own MET address is `https://met.sep.gob.mx:443/met-ws/services/`).
 */
import { readFileSync } from 'node:fs';

const PLACEHOLDER = '{{SOAP_ADDRESS}}';

const cache = new Map<string, string>();

/** The raw WSDL text at `path` (with the address placeholder), read once. */
export function readWsdlTemplate(path: string): string {
  let text = cache.get(path);
  if (text === undefined) {
    text = readFileSync(path, 'utf8');
    if (!text.includes(PLACEHOLDER)) throw new Error(`WSDL ${path} lacks the ${PLACEHOLDER} placeholder`);
    cache.set(path, text);
  }
  return text;
}

function escapeAttr(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The soap:address for a request to the service at `servicesPath` (e.g. `/met-ws/services`).
 * `host` comes from the Host header, so anything that is not a plain host[:port] (or [v6]:port)
 * is replaced by `localhost`; scheme is `http` or `https`.
 */
export function soapAddress(scheme: string, host: string, servicesPath: string): string {
  const s = scheme === 'https' ? 'https' : 'http';
  const h = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/.test(host) ? host : 'localhost';
  return `${s}://${h}${servicesPath}/`;
}

/** `template` with `address` as the port's soap:address location. */
export function fillWsdl(template: string, address: string): string {
  const location = escapeAttr(address);
  return template.replace(PLACEHOLDER, () => location);
}
