/**
 * The whole service as SEP's clients see it: a real node-soap client built from the served WSDL,
 * over a listening socket, against the real database and worker; the results .xls read back with
 * a spreadsheet library.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { readZipEntries } from '../support/zip-entries.js';
import * as soap from 'soap';
import * as XLSX from '@e965/xlsx';
import { buildTestApp } from '../support/app.js';
import { seedInstitution, tituloFor, zipOf } from '../support/met-scenario.js';

type Op = (args: unknown) => Promise<[Record<string, unknown>, string]>;
const call = (client: soap.Client, name: string): Op => {
  const fn = (client as unknown as Record<string, Op>)[`${name}Async`];
  if (!fn) throw new Error(`no operation ${name}`);
  return fn.bind(client);
};


t.test('carga → consulta → descarga → cancela with a real SOAP client', async (t) => {
  // The production default: the files are checked in evaluation threads (test/support/app.ts).
  const testApp = await buildTestApp({ METMEC_EVALUATION_THREADS: 'auto' });
  t.teardown(() => testApp.close());
  const inst = await seedInstitution(testApp);
  const base = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const client = await soap.createClientAsync(`${base}/met-ws/services/TitulosElectronicos.wsdl`);
  client.setEndpoint(`${base}/met-ws/services/`);
  const autenticacion = { usuario: inst.usuario, password: inst.password };

  const [denied] = await call(client, 'cargaTituloElectronico')({
    nombreArchivo: 'x.zip',
    archivoBase64: Buffer.from('x').toString('base64'),
    autenticacion: { usuario: inst.usuario, password: 'wrong-password' },
  });
  t.notOk(denied['numeroLote'], 'a failed login gets no numeroLote');
  t.equal(denied['mensaje'], 'Usuario o contraseña incorrectos.');

  const zip = await zipOf([
    { name: 'TITULO ÑANDÚ.xml', content: tituloFor(testApp, inst, '0001') },
    { name: 'malo.xml', content: tituloFor(testApp, inst, '0002', (v) => (v.antecedente['idEntidadFederativa'] = '7')) },
  ]);
  const [carga] = await call(client, 'cargaTituloElectronico')({ nombreArchivo: 'lote.zip', archivoBase64: zip.toString('base64'), autenticacion });
  const numeroLote = Number(carga['numeroLote']);
  t.ok(numeroLote > 0, `numeroLote ${numeroLote}`);

  let estatusLote = 0;
  let consulta: Record<string, unknown> = {};
  for (let i = 0; i < 200 && estatusLote !== 1; i++) {
    [consulta] = await call(client, 'consultaProcesoTituloElectronico')({ numeroLote, autenticacion });
    estatusLote = Number(consulta['estatusLote']);
    if (estatusLote !== 1) await sleep(25);
  }
  t.equal(estatusLote, 1);
  t.equal(consulta['mensaje'], `El número de lote ${numeroLote} se encuentra PROCESADO.`);

  const [descarga] = await call(client, 'descargaTituloElectronico')({ numeroLote, autenticacion });
  t.equal(descarga['mensaje'], `El número de lote ${numeroLote} finalizó el proceso, se descarga archivo con la relación correspondiente`);
  const entries = await readZipEntries(Buffer.from(String(descarga['titulosBase64']), 'base64'));
  t.same(entries.map((e) => e.name), [`ResultadoCargaTitulos${numeroLote}.xls`]);
  const workbook = XLSX.read(entries[0]!.data, { type: 'buffer' });
  t.same(workbook.SheetNames, ['Resultado']);
  const sheet = workbook.Sheets['Resultado']!;
  t.same(XLSX.utils.sheet_to_json(sheet, { header: 1 }), [
    ['ARCHIVO', 'ESTATUS', 'DESCRIPCION', 'FOLIO CONTROL'],
    ['TITULO ÑANDÚ.xml', 1, 'Título electrónico registrado exitosamente', '0001'],
    ['malo.xml', 2, 'Identificador de entidad federativa no válido en el nodo Antecedente: 7', '0002'],
  ]);
  t.equal(sheet['B2']?.t, 'n', 'ESTATUS is a number cell');
  t.equal(sheet['D2']?.t, 's', 'FOLIO CONTROL stays text');

  const other = await seedInstitution(testApp, '140349');
  const [foreign] = await call(client, 'descargaTituloElectronico')({ numeroLote, autenticacion: { usuario: other.usuario, password: other.password } });
  t.equal(foreign['mensaje'], `El número de lote ${numeroLote} no existe.`, "another institution's lote reads exactly as an unknown one");

  const [cancela] = await call(client, 'cancelaTituloElectronico')({ folioControl: '0001', motCancelacion: 'R1', autenticacion });
  t.equal(Number(cancela['codigo']), 0);
  t.equal(cancela['mensaje'], 'El folio 0001 fue cancelado exitosamente.');
  const [twice] = await call(client, 'cancelaTituloElectronico')({ folioControl: '0001', motCancelacion: 'R1', autenticacion });
  t.not(Number(twice['codigo']), 0, 'a cancelled folio cannot be cancelled again');
});

t.test('a package-level failure is one row naming the uploaded file', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(() => testApp.close());
  const inst = await seedInstitution(testApp);
  const outcome = await testApp.app.services.met.carga({ usuario: inst.usuario, password: inst.password }, 'roto.zip', Buffer.from('PK\u0003\u0004 not really a zip'));
  t.equal(outcome.kind, 'accepted');
  if (outcome.kind !== 'accepted') return;
  await testApp.app.services.worker.whenIdle();
  const result = await testApp.app.services.met.descarga({ usuario: inst.usuario, password: inst.password }, outcome.numeroLote);
  t.equal(result.kind, 'ready');
  if (result.kind !== 'ready') return;
  t.equal(result.rows.length, 1);
  t.match(result.rows[0], { archivo: 'roto.zip', estatus: 2, folioControl: '' });
  t.ok(result.rows[0]!.descripcion.length > 0, `package message: ${result.rows[0]!.descripcion}`);
});
