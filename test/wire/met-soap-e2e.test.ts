/**
 * A REAL node-soap client against the adapter: once from our served WSDL, once from SEP's own
 * reference WSDL file with only the endpoint overridden (a client generated from SEP's WSDL must
 * work unchanged). The MetService behind it is an in-memory fake (the adapter is under test).
 */
import { sharedReference } from '../support/shared-reference.js';
import { existsSync } from 'node:fs';
import t, { type Test } from 'tap';
import Fastify, { type FastifyInstance } from 'fastify';
import * as soap from 'soap';
import yauzl from 'yauzl';
import * as XLSX from '@e965/xlsx';
import { metSoapPlugin } from '../../src/wire/met/soap-plugin.js';
import { FakeMetService, OTHER_USER, USER } from './met-fake-service.js';

const SEP_WSDL = sharedReference('met', 'TitulosElectronicos.wsdl');

async function start(service: FakeMetService): Promise<{ app: FastifyInstance; base: string }> {
  const app = Fastify({ logger: false });
  await app.register(metSoapPlugin, { service, maxEnvelopeBytes: 8 * 1024 * 1024 });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base: address };
}

function unzipOne(zip: Buffer): Promise<{ name: string; data: Buffer }> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) { reject(err ?? new Error('no zip')); return; }
      file.once('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (e, stream) => {
          if (e || !stream) { reject(e ?? new Error('no stream')); return; }
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => resolve({ name: entry.fileName, data: Buffer.concat(chunks) }));
        });
      });
      file.readEntry();
    });
  });
}

type AsyncOp = (args: unknown) => Promise<[Record<string, unknown> | null, string, unknown, string]>;
function op(client: soap.Client, name: string): AsyncOp {
  const fn = (client as unknown as Record<string, AsyncOp | undefined>)[`${name}Async`];
  if (!fn) throw new Error(`client has no ${name}Async`);
  return fn.bind(client);
}

async function exerciseAllOperations(t: Test, client: soap.Client, service: FakeMetService, label: string): Promise<void> {
  const archivo = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><TituloElectronico version="1.0"/>', 'utf8');

  // carga
  const [carga, cargaRaw] = await op(client, 'cargaTituloElectronico')({
    nombreArchivo: 'ÑANDÚ & hijos.xml', archivoBase64: archivo.toString('base64'), autenticacion: USER,
  });
  const numeroLote = Number(carga?.['numeroLote']);
  t.equal(typeof carga?.['numeroLote'], 'number', `${label}: node-soap parses the xs:integer`);
  t.ok(numeroLote >= 143041, `${label}: carga returned numeroLote ${String(carga?.['numeroLote'])}`);
  t.equal(carga?.['mensaje'], `Se recibió el archivo ÑANDÚ & hijos.xml con número de lote ${numeroLote}.`);
  t.ok(service.lotes.get(numeroLote)?.archivo.equals(archivo), `${label}: the server got the exact bytes`);
  t.match(cargaRaw, /^<env:Envelope xmlns:env="http:\/\/schemas\.xmlsoap\.org\/soap\/envelope\/"><env:Header\/><env:Body>/);
  t.match(cargaRaw, '<cargaTituloElectronicoResponse xmlns="http://ws.web.mec.sep.mx/schemas"><numeroLote>');

  // carga with a bad password: no numeroLote, reason in mensaje
  const [denied] = await op(client, 'cargaTituloElectronico')({
    nombreArchivo: 'x.xml', archivoBase64: archivo.toString('base64'), autenticacion: { usuario: USER.usuario, password: 'mal' },
  });
  t.notOk(denied && 'numeroLote' in denied && denied['numeroLote'] !== undefined, `${label}: failed login has no numeroLote`);
  t.equal(denied?.['mensaje'], 'Usuario o contraseña incorrectos.');

  // descarga before processing: ESPERA, empty titulosBase64
  const [early] = await op(client, 'descargaTituloElectronico')({ numeroLote, autenticacion: USER });
  t.match(String(early?.['mensaje']), 'ESPERA');
  t.notOk(early?.['titulosBase64'], `${label}: no package yet`);

  // consulta: processing (0), then processed (1)
  const [c1] = await op(client, 'consultaProcesoTituloElectronico')({ numeroLote, autenticacion: USER });
  t.equal(c1?.['estatusLote'], 0);
  t.equal(c1?.['mensaje'], `El número de lote ${numeroLote} se encuentra EN PROCESO, en ESPERA de ser procesado.`);
  const [c2] = await op(client, 'consultaProcesoTituloElectronico')({ numeroLote, autenticacion: USER });
  t.equal(c2?.['numeroLote'], numeroLote);
  t.equal(c2?.['estatusLote'], 1);
  t.equal(c2?.['mensaje'], `El número de lote ${numeroLote} se encuentra PROCESADO.`);

  // another institution's credentials
  const [other] = await op(client, 'consultaProcesoTituloElectronico')({ numeroLote, autenticacion: OTHER_USER });
  t.equal(other?.['mensaje'], `El usuario ${OTHER_USER.usuario} no pertenece a la Institución Educativa.`);

  // descarga: the package
  const [desc] = await op(client, 'descargaTituloElectronico')({ numeroLote, autenticacion: USER });
  t.equal(desc?.['mensaje'], `El número de lote ${numeroLote} finalizó el proceso, se descarga archivo con la relación correspondiente`);
  const zip = Buffer.from(String(desc?.['titulosBase64']), 'base64');
  const entry = await unzipOne(zip);
  t.equal(entry.name, `ResultadoCargaTitulos${numeroLote}.xls`);
  const ws = XLSX.read(entry.data, { type: 'buffer' }).Sheets['Resultado'];
  t.same(ws && XLSX.utils.sheet_to_json(ws, { header: 1, raw: true }), [
    ['ARCHIVO', 'ESTATUS', 'DESCRIPCION', 'FOLIO CONTROL'],
    ['ÑANDÚ & hijos.xml', 1, 'Título electrónico registrado exitosamente', '0001'],
    ['otro.xml', 2, 'Folio de control previamente registrado: CBGE17028751', 'CBGE17028751'],
  ]);

  // cancela
  service.cancelled.clear();
  const [k0] = await op(client, 'cancelaTituloElectronico')({ folioControl: 'CBGE17028750', motCancelacion: 'R1', autenticacion: USER });
  t.equal(k0?.['codigo'], 0);
  t.equal(k0?.['mensaje'], 'El folio CBGE17028750 fue cancelado exitosamente.');
  const [k2] = await op(client, 'cancelaTituloElectronico')({ folioControl: 'CBGE17028750', motCancelacion: 'R1', autenticacion: USER });
  t.equal(k2?.['codigo'], 2);
  const [k3] = await op(client, 'cancelaTituloElectronico')({ folioControl: 'CBGE17028750', motCancelacion: 'Z9', autenticacion: USER });
  t.equal(k3?.['codigo'], 3);
  const [k4] = await op(client, 'cancelaTituloElectronico')({ folioControl: 'CBGE17028750', motCancelacion: 'R1', autenticacion: { usuario: 'x', password: 'y' } });
  t.equal(k4?.['codigo'], 4);

  // a schema-invalid request: the client surfaces our env:Client fault
  try {
    await op(client, 'cargaTituloElectronico')({ nombreArchivo: 'a', archivoBase64: 'QUJD', autenticacion: USER });
    t.fail(`${label}: a 1-character nombreArchivo must fault`);
  } catch (err) {
    const e = err as { response?: { status?: number }; root?: { Envelope?: { Body?: { Fault?: { faultcode?: string; faultstring?: string } } } } };
    const f = e.root?.Envelope?.Body?.Fault;
    t.equal(e.response?.status, 500, `${label}: HTTP 500 for a fault`);
    t.equal(f?.faultcode, 'env:Client');
    t.match(String(f?.faultstring), 'nombreArchivo must be 2 to 100 characters long');
  }
}

t.test('node-soap client from the served WSDL', async (t) => {
  const service = new FakeMetService();
  const { app, base } = await start(service);
  t.teardown(() => app.close());
  const client = await soap.createClientAsync(`${base}/met-ws/services/TitulosElectronicos.wsdl`);
  t.same(Object.keys(client.describe()), ['TitulosPortTypeService']);
  const ops = Object.keys((client.describe() as Record<string, Record<string, object>>)['TitulosPortTypeService']?.['TitulosPortTypeSoap11'] ?? {});
  t.same(ops.sort(), ['cancelaTituloElectronico', 'cancelarTituloInstitucion', 'cargaTituloElectronico', 'consultaProcesoTituloElectronico', 'descargaTituloElectronico']);
  await exerciseAllOperations(t, client, service, 'served WSDL');

  // The one-way operation: HTTP 202, empty body; the service got cveInstitucion.
  service.cancelCalls.length = 0;
  const oneWay = await fetch(`${base}/met-ws/services/`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
    body: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sch="http://ws.web.mec.sep.mx/schemas"><soapenv:Body>' +
      '<sch:cancelarTituloInstitucionRequest><sch:folioControl>CBGE17028750</sch:folioControl><sch:cveInstitucion>090002</sch:cveInstitucion>' +
      `<sch:motCancelacion>R3</sch:motCancelacion><sch:autenticacion><sch:usuario>${USER.usuario}</sch:usuario><sch:password>${USER.password}</sch:password></sch:autenticacion>` +
      '</sch:cancelarTituloInstitucionRequest></soapenv:Body></soapenv:Envelope>',
  });
  t.equal(oneWay.status, 202);
  t.equal(await oneWay.text(), '');
  t.same(service.cancelCalls, [{ folioControl: 'CBGE17028750', motCancelacion: 'R3', cveInstitucion: '090002' }]);
});

t.test("node-soap client generated from SEP's own WSDL, endpoint overridden", { skip: !existsSync(SEP_WSDL) && 'reference WSDL not present' }, async (t) => {
  const service = new FakeMetService();
  const { app, base } = await start(service);
  t.teardown(() => app.close());
  const client = await soap.createClientAsync(SEP_WSDL);
  client.setEndpoint(`${base}/met-ws/services/`);
  await exerciseAllOperations(t, client, service, "SEP's WSDL");
});

t.test('the QA WSDL served on a metqa host has no cancelarTituloInstitucion', async (t) => {
  const service = new FakeMetService();
  const { app, base } = await start(service);
  t.teardown(() => app.close());
  const client = await soap.createClientAsync(`${base}/met-ws/services/TitulosElectronicos.wsdl?variant=qa`);
  const ops = Object.keys((client.describe() as Record<string, Record<string, object>>)['TitulosPortTypeService']?.['TitulosPortTypeSoap11'] ?? {});
  t.same(ops.sort(), ['cancelaTituloElectronico', 'cargaTituloElectronico', 'consultaProcesoTituloElectronico', 'descargaTituloElectronico']);
  const [carga] = await op(client, 'cargaTituloElectronico')({ nombreArchivo: 'ab.xml', archivoBase64: 'QUJD', autenticacion: USER });
  t.equal(carga?.['numeroLote'], 143041);
});
