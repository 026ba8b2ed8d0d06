/**
 * folioControl uniqueness (spec §2.3, §1.6): SEP answered a re-sent título with `Folio de control
 * previamente registrado: <folioControl>`; a rejected upload does not use the folio up. The pipeline
 * decides the state (per institution, cancellations freeing it); this only words the outcome.
 */
import { fail, ok, skip, type CheckResult } from '../checks.js';
import type { TituloRegistryContext } from './context.js';
import { given } from './model.js';
import { folioPreviouslyRegistered } from './sep-messages.js';

const NODE = 'TituloElectronico';
const ATTRIBUTE = 'folioControl';

/** Both codes always get a result, so an operator sees that the lote-level check was made too. */
export function checkFolio(folioControl: string | undefined, folioState: TituloRegistryContext['folioState'], out: CheckResult[]): void {
  if (!given(folioControl)) {
    out.push(skip('TIT-FOLIO-REGISTRADO', 'folioControl is missing', { node: NODE, attribute: ATTRIBUTE }));
    out.push(skip('TIT-FOLIO-LOTE', 'folioControl is missing', { node: NODE, attribute: ATTRIBUTE }));
    return;
  }
  const where = { node: NODE, attribute: ATTRIBUTE, found: folioControl };
  const sepMessage = folioPreviouslyRegistered(folioControl);
  switch (folioState(folioControl)) {
    case 'free':
      out.push(ok('TIT-FOLIO-REGISTRADO', `folioControl ${folioControl} is not registered for this institution`, where));
      out.push(ok('TIT-FOLIO-LOTE', `folioControl ${folioControl} was not registered earlier in this lote`, where));
      return;
    case 'registered':
      out.push(fail('TIT-FOLIO-REGISTRADO', `folioControl ${folioControl} is already registered for this institution`, sepMessage, where));
      out.push(skip('TIT-FOLIO-LOTE', 'Already registered before this lote', where));
      return;
    case 'registered-in-lote':
      out.push(ok('TIT-FOLIO-REGISTRADO', `folioControl ${folioControl} was not registered before this lote`, where));
      out.push(fail('TIT-FOLIO-LOTE', `folioControl ${folioControl} was registered earlier in this same lote`, sepMessage, where));
      return;
  }
}
