/**
 * The graduate's identity against the emulated RENAPO (spec §2.6, §5.1, §5.3 #3). SEP compares the
 * names EXACTLY: a double space, lowercase or an accent was enough for a rejection, so nothing is
 * normalised here.
 */
import { fail, ok, skip, type CheckResult } from '../checks.js';
import type { TituloRegistryContext } from './context.js';
import { given, type ProfesionistaAttributes } from './model.js';
import { isCurp } from './formats.js';
import { RENAPO_CURP_UNKNOWN, renapoNameInvalid } from './sep-messages.js';

const NODE = 'Profesionista';
const NAME_FIELDS = ['nombre', 'primerApellido', 'segundoApellido'] as const;

export function checkRenapo(p: ProfesionistaAttributes, renapo: TituloRegistryContext['renapo'], out: CheckResult[]): void {
  if (renapo === null) {
    out.push(skip('TIT-RENAPO-CURP', 'The RENAPO check is off', { node: NODE, attribute: 'curp' }));
    out.push(skip('TIT-RENAPO-NOMBRE', 'The RENAPO check is off', { node: NODE, attribute: 'nombre' }));
    return;
  }
  if (!given(p.curp) || !isCurp(p.curp)) {
    out.push(skip('TIT-RENAPO-CURP', 'curp is missing or malformed: not looked up', { node: NODE, attribute: 'curp' }));
    out.push(skip('TIT-RENAPO-NOMBRE', 'curp is missing or malformed: not looked up', { node: NODE, attribute: 'nombre' }));
    return;
  }
  const record = renapo(p.curp);
  if (record === undefined) {
    out.push(
      fail('TIT-RENAPO-CURP', `CURP ${p.curp} is not in the emulated RENAPO registry`, RENAPO_CURP_UNKNOWN, { node: NODE, attribute: 'curp', found: p.curp }),
    );
    out.push(skip('TIT-RENAPO-NOMBRE', 'The CURP is unknown to RENAPO: no name to compare', { node: NODE, attribute: 'nombre' }));
    return;
  }
  out.push(ok('TIT-RENAPO-CURP', `CURP ${p.curp} is in the emulated RENAPO registry`, { node: NODE, attribute: 'curp' }));

  // SEP prints the nombre as written whichever part differs (§5.1 shows only `<nombre>`).
  const sepMessage = renapoNameInvalid(p.nombre ?? '');
  let differences = 0;
  for (const field of NAME_FIELDS) {
    const written = p[field] ?? '';
    const expected = record[field];
    if (written === expected) continue;
    differences++;
    out.push(
      fail('TIT-RENAPO-NOMBRE', `${field} "${written}" is not RENAPO's "${expected}" (compared exactly: spaces, case and accents count)`, sepMessage, {
        node: NODE,
        attribute: field,
        expected,
        found: written,
      }),
    );
  }
  if (differences === 0) out.push(ok('TIT-RENAPO-NOMBRE', 'The name matches RENAPO exactly', { node: NODE, attribute: 'nombre' }));
}
