import t, { type Test } from 'tap';
import { buildTestApp, type TestApp } from '../support/app.js';
import { credentials, registerTitulos, uploadLote } from '../support/dgair-scenario.js';
import { seedInstitution, tituloFor, type Institution } from '../support/met-scenario.js';

const BUS_SECUENCIA = 'Error Bus criptografico: La Secuencia no ha sido autenticada';

interface Check {
  code: string;
  status: string;
  detail?: { cadena?: string; authority?: { numeroCertificado?: string } };
}

/** Authenticates one registered título through a QA solicitud and returns its XML and folioDigital. */
async function authenticate(t: Test, testApp: TestApp, inst: Institution, folio: string): Promise<{ xml: string; folioDigital: string }> {
  const created = await testApp.app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', headers: credentials(inst), payload: { folioControl: [folio] } });
  t.equal(created.statusCode, 201, created.statusCode === 201 ? `${folio} authenticated` : created.body);
  const { folioDigital } = created.json().titulos[0];
  const xml = await testApp.app.inject({ method: 'GET', url: `/api/v1/dgair/titulos/${folioDigital}.xml`, headers: credentials(inst) });
  return { xml: xml.body, folioDigital };
}

async function cancel(testApp: TestApp, inst: Institution, folio: string): Promise<number> {
  return (await testApp.app.inject({ method: 'POST', url: `/api/v1/met/titulos/${folio}/cancelacion`, headers: credentials(inst), payload: { motCancelacion: 'R5' } })).statusCode;
}

const checksOf = (lote: { documents: Array<{ checks: Check[] }> }): Check[] => lote.documents[0]!.checks;
const errorsOf = (checks: Check[]) => checks.filter((c) => c.status === 'error').map((c) => c.code);

t.test("the MET carga verifies the Autenticacion this service adds; tampering fails AUT-SELLO with the recomputed cadena", async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const inst = await seedInstitution(testApp);
  await registerTitulos(t, testApp, inst, ['CARGA-1']);
  const { xml, folioDigital } = await authenticate(t, testApp, inst, 'CARGA-1');
  t.equal(await cancel(testApp, inst, 'CARGA-1'), 200, 'the plain registration is cancelled, so the folio can be registered again');

  const fecha = /fechaAutenticacion="([^"]+)"/.exec(xml)?.[1] ?? '';
  const tamperedFecha = `${fecha.slice(0, -1)}${fecha.endsWith('9') ? '8' : '9'}`;
  const tampered = xml.replace(`fechaAutenticacion="${fecha}"`, `fechaAutenticacion="${tamperedFecha}"`);
  t.not(tampered, xml);
  const rejected = await uploadLote(t, testApp, inst, Buffer.from(tampered), 0);
  const failing = checksOf(rejected);
  t.same(errorsOf(failing), ['AUT-SELLO'], 'the only error is the authority seal');
  t.equal(rejected.documents[0].descripcion, BUS_SECUENCIA);
  const autSello = failing.find((c) => c.code === 'AUT-SELLO')!;
  const selloTitulo = /selloTitulo="([^"]+)"/.exec(xml)?.[1];
  const numero = /noCertificadoAutoridad="(\d+)"/.exec(xml)?.[1];
  t.equal(autSello.detail?.cadena, `||1.0|${folioDigital}|${tamperedFecha}|${selloTitulo}|${numero}||`, 'the detail shows the cadena recomputed from the tampered document');
  t.equal(autSello.detail?.authority?.numeroCertificado, numero, "checked against this service's own authority certificate");

  const registered = await uploadLote(t, testApp, inst, Buffer.from(xml), 1);
  const passing = checksOf(registered);
  t.same(errorsOf(passing), []);
  t.match(passing.find((c) => c.code === 'AUT-SELLO'), { status: 'ok' }, 'AUT-SELLO verifies out of the box, no authority registered by an operator');
  t.match(passing.find((c) => c.code === 'AUT-ATTR'), { status: 'ok' });

  const again = await testApp.app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', headers: credentials(inst), payload: { folioControl: ['CARGA-1'] } });
  t.match(again.json().error.problems, [{ code: 'DGAIR-HAS-AUTENTICACION' }], 'the registration now carrying the node is not authenticated again');
});

t.test('a título written with a namespace prefix comes back well-formed in its namespace, and verifies', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(testApp.close);
  const inst = await seedInstitution(testApp);
  const prefixed = tituloFor(testApp, inst, 'PREFIX-1')
    .replace('xmlns="https://www.siged.sep.gob.mx/titulos/"', 'xmlns:tit="https://www.siged.sep.gob.mx/titulos/"')
    .replace(/<(\/?)([A-Z]\w*)/g, '<$1tit:$2');
  t.match(prefixed, /<tit:TituloElectronico xmlns:tit=/);
  await uploadLote(t, testApp, inst, Buffer.from(prefixed), 1);
  const { xml } = await authenticate(t, testApp, inst, 'PREFIX-1');
  t.match(xml, /<TituloElectronico xmlns="https:\/\/www\.siged\.sep\.gob\.mx\/titulos\/"/, 'written unprefixed with the default namespace declared');
  t.equal(await cancel(testApp, inst, 'PREFIX-1'), 200);
  const registered = await uploadLote(t, testApp, inst, Buffer.from(xml), 1);
  t.match(checksOf(registered).find((c) => c.code === 'AUT-SELLO'), { status: 'ok' });
});
