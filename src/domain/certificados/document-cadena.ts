import { errorsOf, type CheckResult } from '../checks.js';
import type { XmlElement } from '../../intake/xml-tree.js';
import { cadenaOriginal } from './cadena.js';
import { DEFAULT_DEC_OPTIONS } from './context.js';
import { readDec } from './model.js';
import { checkRoot, checkStructure, checkVersion } from './structure.js';

export interface DocumentCadena {
  /** The cadena original Dec/@sello is made over. */
  readonly cadena: string;
  /** Responsable/@curp as written: the signer the DEC names. */
  readonly curp: string;
}

/**
 * The cadena original of a DEC 3.0 document (what its Responsable signs), or the errors that keep
 * it from being built: not a Dec, another version (2.0 has another cadena), missing elements.
 */
export function documentCadena(root: XmlElement): { ok: true; value: DocumentCadena } | { ok: false; errors: CheckResult[] } {
  const checks: CheckResult[] = [];
  const elements = checkRoot(root, checks) && checkVersion(root, DEFAULT_DEC_OPTIONS, checks) ? checkStructure(root, checks) : null;
  if (elements === null) return { ok: false, errors: errorsOf(checks) };
  const dec = readDec(elements);
  return { ok: true, value: { cadena: cadenaOriginal(dec), curp: dec.responsable.curp ?? '' } };
}
