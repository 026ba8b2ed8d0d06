import t from 'tap';
import { AUTORIZACIONES } from '../../src/domain/catalogs/titulos.js';
import { documentRefusal } from '../../src/domain/titulos/dgair-eligibility.js';
import { entryName } from '../../src/dgair/packages.js';
import { mintEfirma } from '../support/pki.js';
import { buildTitulo, setAttribute } from '../support/titulo-fixture.js';

const signer = mintEfirma();
const base = buildTitulo({ today: '2025-06-16', signers: [signer] });

t.test('only a federal RVOE título without an Autenticacion node is eligible', async (t) => {
  t.equal(documentRefusal(base.root), null, 'RVOE FEDERAL (1)');
  t.equal(documentRefusal(setAttribute(base.root, 'Carrera', 'idAutorizacionReconocimiento', '01')), null, '01 is the xs:integer 1');
  for (const [id, entry] of AUTORIZACIONES.entries) {
    if (id === '1') continue;
    const root = setAttribute(setAttribute(base.root, 'Carrera', 'idAutorizacionReconocimiento', id), 'Carrera', 'autorizacionReconocimiento', entry.text);
    t.same(documentRefusal(root), { code: 'DGAIR-NOT-FEDERAL-RVOE', message: documentRefusal(root)?.message, found: `${id} ${entry.text}` }, `${id} ${entry.text} is refused`);
  }
  const authenticated = buildTitulo({ today: '2025-06-16', signers: [signer], authority: mintEfirma() });
  t.match(documentRefusal(authenticated.root), { code: 'DGAIR-HAS-AUTENTICACION' });
});

t.test('zip entries are named after the folioControl, made safe and distinct when needed', async (t) => {
  const folioDigital = '3f2c7a0e-9b1d-4c5e-8f6a-1b2c3d4e5f60';
  t.equal(entryName({ folio_control: 'FC-000001', folio_digital: folioDigital }, 'xml'), 'FC-000001.xml');
  t.equal(entryName({ folio_control: 'UNI.2025_7', folio_digital: folioDigital }, 'pdf'), 'UNI.2025_7.pdf');
  t.equal(entryName({ folio_control: '../A/B', folio_digital: folioDigital }, 'xml'), `_._A_B-${folioDigital}.xml`, 'no path separators, no leading dot');
  t.equal(entryName({ folio_control: 'A_B', folio_digital: folioDigital }, 'xml'), 'A_B.xml');
  t.equal(entryName({ folio_control: 'A B', folio_digital: folioDigital }, 'xml'), `A_B-${folioDigital}.xml`, 'distinct from a folio that is A_B');
  t.equal(entryName({ folio_control: '.hidden', folio_digital: folioDigital }, 'xml'), `_hidden-${folioDigital}.xml`);
});
