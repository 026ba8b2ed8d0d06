/**
 * The MEC SOAP service as an institution's system sees it: a real node-soap client built from the
 * served WSDL, over a listening socket, against the real database; the worker is driven with
 * runOnce() so "not ready" and "ready" are both observed deterministically. Certificates are real
 * DECs signed with test-PKI e.firmas, the package is a real zip, the .xls is read with SheetJS.
 */
import t from 'tap';
import * as soap from 'soap';
import * as XLSX from '@e965/xlsx';
import { basicAuth, buildTestApp } from '../support/app.js';
import { decFor, seedMecInstitution } from '../support/mec-scenario.js';
import { MEC_WSDL_PATH, soapOp } from '../support/mec-soap.js';
import { readZipEntries } from '../support/zip-entries.js';
import { seedInstitution, zipOf } from '../support/met-scenario.js';

// One app for the whole file (each test uses its own folios and folioControls): building an app and
// registering an institution is most of the cost. Tests that move the service clock run last.
const testApp = await buildTestApp({ METMEC_WORKER: 'false' });
t.teardown(() => testApp.close());
const inst = await seedMecInstitution(testApp);
const client = await soap.createClientAsync(`${await testApp.app.listen({ port: 0, host: '127.0.0.1' })}${MEC_WSDL_PATH}`);

/** Processes every queued upload; how many there were. */
async function drain(): Promise<number> {
  let n = 0;
  while (await testApp.app.services.worker.runOnce()) n++;
  return n;
}

async function createFolio(usuario: string, password: string, certificados: number): Promise<string> {
  const res = await testApp.app.inject({ method: 'POST', url: '/api/v1/mec/folios', headers: basicAuth(usuario, password), payload: { certificados } });
  if (res.statusCode !== 201) throw new Error(`folio not created: ${res.statusCode} ${res.body}`);
  return res.json().folio as string;
}

t.test('folio → carga → consulta → descarga: the results sheet and the sealed XML', async (t) => {
  const autenticacion = { usuario: inst.usuario, password: inst.password };
  const described = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
  t.same(Object.keys(described['CertificadosPortTypeService']?.['CertificadosPortTypeSoap11'] ?? {}).sort(),
    ['cancelaCertificadoElectronico', 'cargaCertificadoElectronico', 'consultaFolio', 'consultaProcesoCertificadoElectronico', 'descargaCertificadoElectronico']);

  const folio = await createFolio(inst.usuario, inst.password, 2);
  const [fresh] = await soapOp(client, 'consultaFolio')({ folio, autenticacion });
  t.match(fresh, { folio, estatusFolio: 'ACTIVO', certificados: 2, certificadosAutenticados: 0, certificadosPendientes: 2, intentosUsados: 0, intentosRestantes: 3 });
  t.equal(fresh['mensaje'], `El folio ${folio} se encuentra ACTIVO: 2 certificado(s) pendiente(s) de 2, 3 intento(s) restante(s).`);

  const zip = await zipOf([
    { name: 'Certificado ÑANDÚ.xml', content: decFor(testApp, inst, 'DEC-A') },
    { name: 'b.xml', content: decFor(testApp, inst, 'DEC-B', (v) => { v.subjects[0]!['calificacion'] = '9.5'; }) },
  ]);
  const [carga, cargaRaw] = await soapOp(client, 'cargaCertificadoElectronico')({ folio, nombreArchivo: 'certificados.zip', archivoBase64: zip.toString('base64'), autenticacion });
  const numeroLote = Number(carga['numeroLote']);
  t.ok(numeroLote > 0, `numeroLote ${numeroLote}`);
  t.match(carga, { intento: 1, intentosRestantes: 2 });
  t.equal(carga['mensaje'], `Se recibió el archivo certificados.zip con número de lote ${numeroLote}. Intento 1 de 3 del folio ${folio}.`);
  t.match(cargaRaw, /^<env:Envelope xmlns:env="http:\/\/schemas\.xmlsoap\.org\/soap\/envelope\/"><env:Header\/><env:Body><cargaCertificadoElectronicoResponse xmlns="http:\/\/ws\.web\.mec\.sep\.mx\/schemas"><numeroLote>/);
  const stored = await testApp.store.db.selectFrom('lote').select(['kind', 'channel', 'attempt_no']).where('numero_lote', '=', numeroLote).executeTakeFirstOrThrow();
  t.same(stored, { kind: 'certificados', channel: 'soap', attempt_no: 1 }, 'stored as a SOAP upload of the folio');

  const [processing] = await soapOp(client, 'consultaProcesoCertificadoElectronico')({ numeroLote, autenticacion });
  t.match(processing, { numeroLote, estatusLote: 0, mensaje: `El número de lote ${numeroLote} se encuentra EN PROCESO, en ESPERA de ser procesado.` });
  const [early] = await soapOp(client, 'descargaCertificadoElectronico')({ numeroLote, autenticacion });
  t.match(String(early['mensaje']), 'ESPERA');
  t.notOk(early['certificadosBase64'], 'no package before processing ends');

  t.equal(await drain(), 1, 'the worker processes the upload');

  const [processed] = await soapOp(client, 'consultaProcesoCertificadoElectronico')({ numeroLote, autenticacion });
  t.match(processed, { numeroLote, estatusLote: 1, mensaje: `El número de lote ${numeroLote} se encuentra PROCESADO.` });

  const [descarga] = await soapOp(client, 'descargaCertificadoElectronico')({ numeroLote, autenticacion });
  t.equal(descarga['mensaje'], `El número de lote ${numeroLote} finalizó el proceso, se descarga archivo con la relación correspondiente`);
  const entries = await readZipEntries(Buffer.from(String(descarga['certificadosBase64']), 'base64'));
  t.same(entries.map((e) => e.name), [`ResultadoCargaCertificados${numeroLote}.xls`, 'Certificado ÑANDÚ.xml'], 'the sheet, then the one authenticated certificate under its uploaded name');

  const workbook = XLSX.read(entries[0]!.data, { type: 'buffer' });
  t.same(workbook.SheetNames, ['Resultado']);
  t.equal(workbook.Props?.Author, 'weblogic');
  const sheet = workbook.Sheets['Resultado']!;
  const rows = XLSX.utils.sheet_to_json<string[]>(sheet, { header: 1, raw: true });
  t.same(rows[0], ['ARCHIVO', 'ESTATUS', 'DESCRIPCION', 'FOLIO CONTROL']);
  t.equal(rows.length, 3);
  const [archivoA, estatusA, descripcionA, folioA] = rows[1]!;
  t.same([archivoA, estatusA, folioA], ['Certificado ÑANDÚ.xml', 'SATISFACTORIO', 'DEC-A']);
  const folioDigital = /^Certificado electrónico autenticado exitosamente con folio digital ([0-9a-f-]{36})$/.exec(String(descripcionA))?.[1];
  t.ok(folioDigital, `DESCRIPCION names the folio digital: ${descripcionA}`);
  t.equal(sheet['B2']?.t, 's', 'ESTATUS is a text cell');

  // The rejected row carries every error the REST detail reports, with SEP's texts.
  const detail = (await testApp.app.inject({ method: 'GET', url: `/api/v1/mec/cargas/${numeroLote}`, headers: basicAuth(inst.usuario, inst.password) })).json();
  const restErrors = [...new Set((detail.documents[1].checks as Array<{ status: string; sepMessage?: string }>).filter((c) => c.status === 'error').map((c) => c.sepMessage))];
  t.ok(restErrors.length > 0);
  t.same(rows[2], ['b.xml', 'ERROR', restErrors.join(' | '), 'DEC-B']);
  t.match(String(rows[2]![2]), '9.5', 'the wrong grade is named');

  // The sealed XML is the stored one: the same bytes the REST download serves.
  const xml = entries[1]!.data.toString('utf8');
  t.match(xml, /folioControl="DEC-A"/);
  t.match(xml, /<Dreoe [^>]*selloDreoe="/);
  t.match(xml, new RegExp(`<SepIpes [^>]*folioDigital="${folioDigital}"`));
  const rest = await testApp.app.inject({ method: 'GET', url: `/api/v1/mec/certificados/${folioDigital}.xml`, headers: basicAuth(inst.usuario, inst.password) });
  t.equal(rest.statusCode, 200);
  t.ok(rest.rawPayload.equals(entries[1]!.data), 'byte for byte the stored sealed certificate');

  const [after] = await soapOp(client, 'consultaFolio')({ folio, autenticacion });
  t.match(after, { estatusFolio: 'ACTIVO', certificadosAutenticados: 1, certificadosPendientes: 1, intentosUsados: 1, intentosRestantes: 2 });
});

t.test('refusals answer without numeroLote, the reason in mensaje, and spend no attempt', async (t) => {
  const autenticacion = { usuario: inst.usuario, password: inst.password };
  const carga = soapOp(client, 'cargaCertificadoElectronico');
  const folio = await createFolio(inst.usuario, inst.password, 2);
  const two = (await zipOf([
    { name: 'a.xml', content: decFor(testApp, inst, 'DEC-REF-A') },
    { name: 'b.xml', content: decFor(testApp, inst, 'DEC-REF-B') },
  ])).toString('base64');
  const one = (await zipOf([{ name: 'a.xml', content: decFor(testApp, inst, 'DEC-REF-A') }])).toString('base64');

  const refused = async (args: Record<string, unknown>, mensaje: string | RegExp, label: string): Promise<void> => {
    const [res] = await carga({ nombreArchivo: 'certificados.zip', archivoBase64: two, autenticacion, folio, ...args });
    t.equal(res['numeroLote'], undefined, `${label}: no numeroLote`);
    t.equal(res['intento'], undefined, `${label}: no intento`);
    if (typeof mensaje === 'string') t.equal(res['mensaje'], mensaje, label);
    else t.match(res['mensaje'], mensaje, label);
  };

  await refused({ autenticacion: { usuario: inst.usuario, password: 'wrong-password' } }, 'Usuario o contraseña incorrectos.', 'wrong password');
  await refused({ autenticacion: { usuario: 'nadie', password: 'x' } }, 'Usuario o contraseña incorrectos.', 'unknown user: the same text');
  await refused({ folio: 'P999999' }, 'El folio P999999 no existe para la Institución Educativa.', 'unknown folio');
  await refused({ archivoBase64: one }, `El folio ${folio} requiere exactamente 2 certificado(s) en esta carga y el archivo certificados.zip contiene 1. No se consumió ningún intento del folio.`, 'wrong count');
  await refused({ archivoBase64: Buffer.from('no es un zip').toString('base64') },
    'Archivo no válido: no es un archivo XML ni un archivo ZIP. No se consumió ningún intento del folio.', 'unreadable package');
  await refused({ autenticacion: { usuario: inst.prodUsuario, password: inst.prodPassword } },
    `El folio ${folio} no existe para la Institución Educativa.`, 'a production user on a test folio: as unknown');

  const [untouched] = await soapOp(client, 'consultaFolio')({ folio, autenticacion });
  t.match(untouched, { estatusFolio: 'ACTIVO', intentosUsados: 0, intentosRestantes: 3 }, 'no refusal spent an attempt');
  const [noFolio] = await soapOp(client, 'consultaFolio')({ folio: 'P999999', autenticacion });
  t.same(noFolio, { folio: 'P999999', mensaje: 'El folio P999999 no existe para la Institución Educativa.' }, 'consultaFolio: only the folio and the reason');
});

t.test('three attempts per folio: the fourth upload is refused', async (t) => {
  const autenticacion = { usuario: inst.usuario, password: inst.password };
  const folio = await createFolio(inst.usuario, inst.password, 1);
  const bad = (await zipOf([{ name: 'a.xml', content: decFor(testApp, inst, 'DEC-ATT', (v) => { v.subjects[0]!['calificacion'] = '9.5'; }) }])).toString('base64');
  const carga = soapOp(client, 'cargaCertificadoElectronico');
  for (const [intento, intentosRestantes] of [[1, 2], [2, 1], [3, 0]] as const) {
    const [res] = await carga({ folio, nombreArchivo: `intento${intento}.zip`, archivoBase64: bad, autenticacion });
    t.match(res, { intento, intentosRestantes }, `attempt ${intento} accepted`);
    t.ok(Number(res['numeroLote']) > 0);
  }
  const [fourth] = await carga({ folio, nombreArchivo: 'intento4.zip', archivoBase64: bad, autenticacion });
  t.equal(fourth['numeroLote'], undefined);
  t.equal(fourth['mensaje'], `El folio ${folio} agotó sus 3 intentos de carga; adquiera un nuevo folio para los certificados pendientes.`);
  const [state] = await soapOp(client, 'consultaFolio')({ folio, autenticacion });
  t.match(state, { estatusFolio: 'AGOTADO', intentosUsados: 3, intentosRestantes: 0 });
});

t.test('isolation: another institution can neither read an upload nor use a folio', async (t) => {
  const other = await seedInstitution(testApp, '090002');
  const mine = { usuario: inst.usuario, password: inst.password };
  const theirs = { usuario: other.usuario, password: other.password };
  const folio = await createFolio(inst.usuario, inst.password, 1);
  const archivoBase64 = (await zipOf([{ name: 'a.xml', content: decFor(testApp, inst, 'DEC-ISO') }])).toString('base64');

  const [stolen] = await soapOp(client, 'cargaCertificadoElectronico')({ folio, nombreArchivo: 'a.zip', archivoBase64, autenticacion: theirs });
  t.equal(stolen['numeroLote'], undefined);
  t.equal(stolen['mensaje'], `El folio ${folio} no existe para la Institución Educativa.`, "another institution's folio reads as unknown");
  const [peek] = await soapOp(client, 'consultaFolio')({ folio, autenticacion: theirs });
  t.same(peek, { folio, mensaje: `El folio ${folio} no existe para la Institución Educativa.` });

  const [carga] = await soapOp(client, 'cargaCertificadoElectronico')({ folio, nombreArchivo: 'a.zip', archivoBase64, autenticacion: mine });
  const numeroLote = Number(carga['numeroLote']);
  t.ok(await drain() >= 1);

  // Another institution's upload reads exactly as an unknown one (no hint that the number is taken).
  const forbidden = `El número de lote ${numeroLote} no existe.`;
  const [consulta] = await soapOp(client, 'consultaProcesoCertificadoElectronico')({ numeroLote, autenticacion: theirs });
  t.match(consulta, { numeroLote, estatusLote: 0, mensaje: forbidden });
  const [descarga] = await soapOp(client, 'descargaCertificadoElectronico')({ numeroLote, autenticacion: theirs });
  t.equal(descarga['mensaje'], forbidden);
  t.notOk(descarga['certificadosBase64'], 'no package for another institution');
  const [own] = await soapOp(client, 'descargaCertificadoElectronico')({ numeroLote, autenticacion: mine });
  t.ok(String(own['certificadosBase64']).length > 100, 'the owner gets it');

  const [unknown] = await soapOp(client, 'consultaProcesoCertificadoElectronico')({ numeroLote: numeroLote + 1000, autenticacion: mine });
  t.equal(unknown['mensaje'], `El número de lote ${numeroLote + 1000} no existe.`);
});

t.test('production: an unpaid folio, then one paid but not active yet', async (t) => {
  const autenticacion = { usuario: inst.prodUsuario, password: inst.prodPassword };
  await testApp.store.db.updateTable('institution').set({ mec_production_granted_at: testApp.clock.now() }).where('cve_institucion', '=', inst.cveInstitucion).execute();
  const folio = await createFolio(inst.prodUsuario, inst.prodPassword, 1);
  const archivoBase64 = (await zipOf([{ name: 'a.xml', content: decFor(testApp, inst, 'DEC-PROD') }])).toString('base64');
  const carga = soapOp(client, 'cargaCertificadoElectronico');

  const [unpaid] = await carga({ folio, nombreArchivo: 'a.zip', archivoBase64, autenticacion });
  t.equal(unpaid['numeroLote'], undefined);
  t.equal(unpaid['mensaje'], `El folio ${folio} no ha sido pagado.`);
  const [pending] = await soapOp(client, 'consultaFolio')({ folio, autenticacion });
  t.match(pending, { estatusFolio: 'PENDIENTE_DE_PAGO', certificados: 1 });

  const paid = await testApp.app.inject({ method: 'POST', url: `/api/v1/mec/folios/${folio}/pago`, headers: basicAuth(inst.prodUsuario, inst.prodPassword), payload: { metodo: 'tarjeta' } });
  t.equal(paid.statusCode, 200, paid.body);
  const [early] = await carga({ folio, nombreArchivo: 'a.zip', archivoBase64, autenticacion });
  t.match(early['mensaje'], new RegExp(`^El folio ${folio} está pagado y se activa el \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2} \\(hora del centro de México\\) \\(48 horas`));
  const [qaUser] = await carga({ folio, nombreArchivo: 'a.zip', archivoBase64, autenticacion: { usuario: inst.usuario, password: inst.password } });
  t.equal(qaUser['mensaje'], `El folio ${folio} no existe para la Institución Educativa.`, 'a QA user on a production folio: as unknown');

  testApp.clock.advance(24 * 3_600_000);
  const [active] = await carga({ folio, nombreArchivo: 'a.zip', archivoBase64, autenticacion });
  t.match(active, { intento: 1, intentosRestantes: 2 }, 'accepted once the service clock passes the activation');
});

t.test('cancelaCertificadoElectronico: requested, pending, effective after 48 business hours; MET-style codes', async (t) => {
  const autenticacion = { usuario: inst.usuario, password: inst.password };
  const cancela = soapOp(client, 'cancelaCertificadoElectronico');
  const folio = await createFolio(inst.usuario, inst.password, 1);
  const archivoBase64 = (await zipOf([{ name: 'a.xml', content: decFor(testApp, inst, 'DEC-CAN') }])).toString('base64');
  await soapOp(client, 'cargaCertificadoElectronico')({ folio, nombreArchivo: 'a.zip', archivoBase64, autenticacion });
  t.ok(await drain() >= 1);

  const [denied] = await cancela({ folioControl: 'DEC-CAN', autenticacion: { usuario: inst.usuario, password: 'mal' } });
  t.same(denied, { codigo: 4, mensaje: 'Usuario o contraseña incorrectos.' });
  const [unknown] = await cancela({ folioControl: 'DEC-NADA', autenticacion });
  t.same(unknown, { codigo: 1, mensaje: 'El folio de control DEC-NADA no tiene un certificado autenticado.' });
  const [tooLong] = await cancela({ folioControl: 'DEC-CAN', motivo: 'x'.repeat(501), autenticacion });
  t.same(tooLong, { codigo: 3, mensaje: 'El motivo de cancelación excede 500 caracteres.' });

  testApp.clock.set(testApp.clock.now(), true); // frozen: the request time is "now"
  const [requested] = await cancela({ folioControl: 'DEC-CAN', motivo: 'Error en el nombre', autenticacion });
  t.equal(requested['codigo'], 0);
  const effective = requested['fechaEfectiva'];
  t.ok(effective instanceof Date && effective.getTime() - testApp.clock.now().getTime() >= 48 * 3_600_000, `effective ${String(effective)}`);
  t.match(requested['mensaje'], /^Se registró la cancelación del certificado con folio de control DEC-CAN; surte efecto el \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2} \(hora del centro de México\), 48 horas hábiles después de la solicitud\.$/);
  const rest = (await testApp.app.inject({ method: 'GET', url: '/api/v1/mec/certificados?folioControl=DEC-CAN', headers: basicAuth(inst.usuario, inst.password) })).json();
  t.match(JSON.stringify(rest), /"estatus":"cancelacion-pendiente"/, 'the REST API sees the same cancellation');
  t.match(JSON.stringify(rest), /"motivo":"Error en el nombre"/);

  const [again] = await cancela({ folioControl: 'DEC-CAN', autenticacion });
  t.equal(again['codigo'], 2);
  t.match(again['mensaje'], /^El certificado con folio de control DEC-CAN ya tiene una cancelación en trámite; surte efecto el /);
  t.same(again['fechaEfectiva'], effective);

  testApp.clock.set(new Date((effective as Date).getTime() + 1000), true);
  const [done] = await cancela({ folioControl: 'DEC-CAN', autenticacion });
  t.same(done, { codigo: 2, mensaje: 'El folio DEC-CAN ya se encuentra cancelado.' });
});
