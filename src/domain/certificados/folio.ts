/**
 * folioControl uniqueness, as for títulos (met-titulos.md §1.6): the institution's own control
 * number identifies one DEC; the pipeline decides its state (per institution, cancellations freeing
 * it, §4.6) and this only words the outcome, with MET's verbatim text.
 */
import { fail, ok, skip, type CheckResult } from '../checks.js';
import type { FolioState } from './context.js';
import { given } from './model.js';
import { folioPreviouslyRegistered } from './sep-messages.js';

const NODE = 'Dec';
const ATTRIBUTE = 'folioControl';

export function checkFolio(folioControl: string | undefined, folioState: (folioControl: string) => FolioState, out: CheckResult[]): void {
  if (!given(folioControl)) {
    out.push(skip('DEC-FOLIO-REGISTRADO', 'folioControl is missing', { node: NODE, attribute: ATTRIBUTE }));
    out.push(skip('DEC-FOLIO-LOTE', 'folioControl is missing', { node: NODE, attribute: ATTRIBUTE }));
    return;
  }
  const where = { node: NODE, attribute: ATTRIBUTE, found: folioControl };
  const sepMessage = folioPreviouslyRegistered(folioControl);
  switch (folioState(folioControl)) {
    case 'free':
      out.push(ok('DEC-FOLIO-REGISTRADO', `folioControl ${folioControl} is not registered for this institution`, where));
      out.push(ok('DEC-FOLIO-LOTE', `folioControl ${folioControl} was not registered earlier in this lote`, where));
      return;
    case 'registered':
      out.push(
        fail(
          'DEC-FOLIO-REGISTRADO',
          `folioControl ${folioControl} is already authenticated for this institution; to authenticate it again, cancel it first (the cancellation takes effect 48 business hours later)`,
          sepMessage,
          where,
        ),
      );
      out.push(skip('DEC-FOLIO-LOTE', 'Already registered before this lote', where));
      return;
    case 'registered-in-lote':
      out.push(ok('DEC-FOLIO-REGISTRADO', `folioControl ${folioControl} was not registered before this lote`, where));
      out.push(fail('DEC-FOLIO-LOTE', `folioControl ${folioControl} was registered earlier in this same lote`, sepMessage, where));
      return;
  }
}
