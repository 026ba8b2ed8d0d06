// Prints stored checks that recur, word for word, in every document of a kind and are not yet in
// CHECK_DICTIONARY (src/store/check-dictionary.ts), as lines to append to it. Run it after adding or
// renaming a check code:
//
//   node --import=./node_modules/@tapjs/typescript/dist/esm/import.mjs scripts/check-dictionary-candidates.ts
//
// The samples: valid títulos (one and two signers, with and without Autenticacion, RENAPO on and
// off) and a valid DEC, checked with the service's own code. An entry qualifies when it names no
// value of its document (no expected, found or detail).
import { mexicoCityDate } from '../src/domain/dates.js';
import { checkDec } from '../src/domain/certificados/check-dec.js';
import { parseCertificate } from '../src/domain/efirma/certificate.js';
import { checkTitulo } from '../src/domain/titulos/check-titulo.js';
import { encodeChecks } from '../src/store/check-codec.js';
import { CHECK_DICTIONARY } from '../src/store/check-dictionary.js';
import { decContext, decForPlan, defaultPlan } from '../test/support/dec-fixture.js';
import { mintEfirma } from '../test/support/pki.js';
import { buildTitulo, tituloContext } from '../test/support/titulo-fixture.js';

const today = mexicoCityDate(new Date());
const signer = mintEfirma();
const second = mintEfirma({ name: 'SEGUNDO FIRMANTE DE PRUEBAS' });
const authority = mintEfirma({ name: 'AUTORIDAD EDUCATIVA DE PRUEBAS' });

const samples: string[] = [];
for (const signers of [[signer], [signer, second]]) {
  for (const authenticated of [false, true]) {
    for (const renapo of [true, false]) {
      const built = buildTitulo({ today, signers, ...(authenticated ? { authority } : {}) });
      const context = tituloContext({ today, signers, authorities: [parseCertificate(authority.cerDer)], ...(renapo ? {} : { renapo: null }) });
      samples.push(encodeChecks(checkTitulo(built.root, context).checks));
    }
  }
}
const plan = defaultPlan({ subjects: 12 });
samples.push(encodeChecks(checkDec(decForPlan(plan, { credential: signer, today }).root, decContext({ today, credential: signer, plans: [plan] })).checks));

const known = new Set(CHECK_DICTIONARY.map((entry) => JSON.stringify(entry)));
const candidates = new Set<string>();
for (const sample of samples) {
  for (const entry of JSON.parse(sample) as unknown[]) {
    const text = JSON.stringify(entry);
    const values = typeof entry === 'object' && entry !== null && ['expected', 'found', 'detail'].some((key) => key in entry);
    if (!values && !known.has(text)) candidates.add(text);
  }
}
for (const text of candidates) process.stdout.write(`  ${text},\n`);
process.stderr.write(`${candidates.size} new entr${candidates.size === 1 ? 'y' : 'ies'} (the dictionary holds ${CHECK_DICTIONARY.length})\n`);
