import type { CheckResult } from '../checks.js';
import type { XmlElement } from '../../intake/xml-tree.js';
import { cadenaForSigner, cadenaParts } from './cadena.js';
import { readTitulo } from './model.js';
import { checkStructure } from './structure.js';

export interface SignerCadena {
  /** `FirmaResponsable` or `FirmaResponsable[n]`, as check results name it. */
  readonly node: string;
  readonly curp: string;
  readonly cadena: string;
}

/** Each signer's cadena original, or the structure errors that keep it from being built. */
export function signerCadenas(
  root: XmlElement,
  escapeXml: boolean,
): { ok: true; signers: SignerCadena[] } | { ok: false; errors: CheckResult[] } {
  const checks: CheckResult[] = [];
  const elements = checkStructure(root, checks);
  if (elements === null) return { ok: false, errors: checks.filter((c) => c.status === 'error') };
  const titulo = readTitulo(elements);
  const parts = cadenaParts(titulo, escapeXml);
  return {
    ok: true,
    signers: titulo.firmas.map((firma) => ({ node: firma.node, curp: firma.curp ?? '', cadena: cadenaForSigner(parts, firma) })),
  };
}
