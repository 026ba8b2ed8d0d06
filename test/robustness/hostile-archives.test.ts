/**
 * Hostile archives sent through the real service: the MET REST upload (POST /api/v1/met/lotes?wait=true),
 * the MET SOAP carga (then the lote read back) and the MEC folio upload. Each must come back with
 * its specific PKG-* code (or the REST error code), never a 500, a PKG-INTERNAL row or a hang, and
 * the service must still register a valid título afterwards. The largest attack (a zip that fills
 * every inflation cap and fails at its very last byte) runs against the service in a child process,
 * timed and with its peak RSS read.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';
import t from 'tap';
import { DEFAULT_INTAKE_LIMITS } from '../../src/intake/limits.js';
import { basicAuth, buildTestApp } from '../support/app.js';
import { decFor, seedMecInstitution } from '../support/mec-scenario.js';
import { tituloFor, zipOf } from '../support/met-scenario.js';
import { LONG, recordFigures } from '../support/robustness-figures.js';
import { honestZip, rawZip, type RawEntry } from '../intake/zip-builders.js';
import {
  AttackTally, attackPeakMb, consultaEnvelope, MET_SOAP_PATH, pseudoRandomBytes, rawPost, restUpload, soapAnswer, soapUpload, startServiceChild, type Answer,
} from './hostile-support.js';

const MiB = 1024 * 1024;
const tally = new AttackTally();
const largest = { largestAttackRejectMs: 0, largestAttackPeakRssMb: 0 };
t.teardown(() => recordFigures('hostile-archives', { ...tally.figures(), ...largest }));

// The service for the largest attack starts now, while the in-process attacks run (its start-up is slow).
const childCredentials = { usuario: 'usuariomet.qahostile', password: 'hostile-password-1' };
const child = startServiceChild('090001', childCredentials);
child.catch(() => undefined); // awaited (and reported) by the test that uses it
t.teardown(async () => (await child.catch(() => undefined))?.stop());

/** Raw deflate of `chunk` repeated `times`: each copy a full-flushed block, so nothing of size chunk × times is ever held. */
function repeatedDeflate(chunk: Buffer, times: number): Buffer {
  const block = deflateRawSync(chunk, { finishFlush: constants.Z_FULL_FLUSH });
  return Buffer.concat([...Array.from({ length: times }, () => block), Buffer.from([0x03, 0x00])]);
}

/** A local file header (stored, sizes and CRC of `data`) followed by its name and data. */
function localRecord(name: string, data: Buffer): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(0x800, 6);
  header.writeUInt32LE(crc32(data) >>> 0, 14);
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(data.length, 22);
  header.writeUInt16LE(Buffer.byteLength(name), 26);
  return Buffer.concat([header, Buffer.from(name), data]);
}

/**
 * Entry b.xml's local header sits inside the tail of a.xml's data, hidden behind a long extra field
 * in a.xml's local header that the central directory knows nothing about (the "quoted" overlap of
 * Fifield's non-recursive bomb, one step of it).
 */
function quotedOverlapZip(): Buffer {
  const extra = Buffer.alloc(64);
  extra.writeUInt16LE(0xcafe, 0);
  extra.writeUInt16LE(60, 2);
  const inner = localRecord('b.xml', Buffer.from('<b/>'));
  const filler = Buffer.from(`<a>${'x'.repeat(200)}</a>`);
  const aData = Buffer.concat([filler, inner]);
  const bOffset = 30 + 'a.xml'.length + extra.length + filler.length;
  return rawZip([
    { name: 'a.xml', content: aData, localExtra: extra },
    { name: 'b.xml', content: '<b/>', localHeaderOffset: bOffset },
  ]);
}

/** Every hostile archive of the suite, with the code each must get; `soap` / `mec` also send it through those doors. */
async function hostileArchives(): Promise<Array<{ name: string; code: string; bytes: Buffer; soap?: boolean; mec?: boolean; file?: string }>> {
  const titulo = '<TituloElectronico/>';
  const zeros2M = Buffer.alloc(2_000_000);
  const list: Array<{ name: string; code: string; bytes: Buffer; soap?: boolean; mec?: boolean; file?: string }> = [];
  const add = (name: string, code: string, bytes: Buffer, doors: { soap?: boolean; mec?: boolean; file?: string } = {}): void => {
    list.push({ name, code, bytes, ...doors });
  };

  // Zip bombs.
  add('ratio bomb: 2 MB of zeros in ~2 KB, declared honestly', 'PKG-ZIP-RATIO', rawZip([{ name: 'bomba.xml', content: zeros2M, method: 8 }]), { soap: true, mec: true });
  const fourGiB = repeatedDeflate(Buffer.alloc(MiB), LONG ? 4095 : 64);
  add('bomb declaring 4 GiB - 1 inflated', 'PKG-ZIP-ENTRY-SIZE',
    rawZip([{ name: 'bomba.xml', content: '', method: 8, data: fourGiB, crc: 0, uncompressedSize: 0xfffffffe }]), { soap: true });
  add(`bomb declaring 1000 bytes that inflates to ${LONG ? '4 GiB' : '64 MiB'} (header lies small)`, 'PKG-ZIP-CORRUPT',
    rawZip([{ name: 'bomba.xml', content: '', method: 8, data: fourGiB, crc: 0, uncompressedSize: 1000 }]), { soap: true, mec: true });
  add('bomb declaring a size of 0 with real data', 'PKG-ZIP-CORRUPT',
    rawZip([{ name: 'cero.xml', content: '', method: 8, data: fourGiB, crc: 0, uncompressedSize: 0 }]));
  add('stored entry declaring a size of 0 with real data', 'PKG-ZIP-CORRUPT',
    rawZip([{ name: 'cero.xml', content: titulo, compressedSize: titulo.length, uncompressedSize: 0 }]));
  add('entry declaring more bytes than it inflates to (header lies big)', 'PKG-ZIP-CORRUPT',
    rawZip([{ name: 'grande.xml', content: titulo, method: 8, uncompressedSize: titulo.length + 500 }]), { soap: true });
  const totalEntries = Math.floor(DEFAULT_INTAKE_LIMITS.maxTotalBytes / 2_000_000) + 1;
  const chunk = pseudoRandomBytes(20_001, 1);
  add(`${totalEntries} entries declaring 2 MB each (past the total cap)`, 'PKG-ZIP-TOTAL-SIZE',
    rawZip(Array.from({ length: totalEntries }, (_, i): RawEntry => ({ name: `t${i}.xml`, content: chunk, method: 8, data: chunk, uncompressedSize: 2_000_000 }))));
  const innerBomb = rawZip([{ name: 'bomba.xml', content: zeros2M, method: 8 }]);
  add('nested zip: a .zip inside the zip', 'PKG-ZIP-NAME', rawZip([{ name: 'a.xml', content: titulo }, { name: 'anidado.zip', content: innerBomb }]), { soap: true, mec: true });
  add('nested zip: a zip bomb named .xml inside the zip', 'XML-ENCODING', rawZip([{ name: 'anidado.xml', content: innerBomb }]));
  add('nested zip: a deflated zip bomb named .xml', 'XML-ENCODING', rawZip([{ name: 'anidado.xml', content: innerBomb, method: 8 }]));

  // Overlapping entries.
  add('overlap: two central records, one local entry', 'PKG-ZIP-CORRUPT',
    rawZip([{ name: 'a.xml', content: titulo }, { name: 'b.xml', content: titulo, localHeaderOf: 0 }]), { soap: true, mec: true });
  const kernelPlain = Buffer.alloc(1_900_000, 0x20);
  pseudoRandomBytes(20_000, 2).copy(kernelPlain);
  const kernel = deflateRawSync(kernelPlain);
  const kernelCrc = crc32(kernelPlain);
  add('overlap: 200 central records sharing one 1.9 MB kernel', 'PKG-ZIP-CORRUPT',
    rawZip(Array.from({ length: 200 }, (_, i): RawEntry => ({
      name: `k${i}.xml`, content: '', method: 8, data: i === 0 ? kernel : Buffer.alloc(0), crc: kernelCrc,
      compressedSize: kernel.length, uncompressedSize: kernelPlain.length, ...(i === 0 ? {} : { localHeaderOf: 0 }),
    }))));
  add('overlap: a local header hidden in the tail of the previous entry\'s data', 'PKG-ZIP-CORRUPT', quotedOverlapZip(), { soap: true });

  // Local and central headers that disagree, both ways.
  const honest = { name: 'a.xml', content: titulo, method: 8 } as const;
  add('local header sizes bigger than the central record\'s', 'PKG-ZIP-CORRUPT', rawZip([{ ...honest, localCompressedSize: 999_999, localUncompressedSize: 999_999 }]), { soap: true });
  add('local header sizes smaller than the central record\'s', 'PKG-ZIP-CORRUPT', rawZip([{ ...honest, localCompressedSize: 1, localUncompressedSize: 1 }]), { mec: true });
  add('central sizes bigger than the local header\'s', 'PKG-ZIP-CORRUPT', rawZip([{ name: 'a.xml', content: titulo, uncompressedSize: 5000, compressedSize: 5000, localUncompressedSize: titulo.length, localCompressedSize: titulo.length }]));
  add('local header CRC differs from the central record\'s', 'PKG-ZIP-CORRUPT', rawZip([{ ...honest, localCrc: 0x12345678 }]));
  add('local header compression method differs', 'PKG-ZIP-CORRUPT', rawZip([{ ...honest, localMethod: 0 }]));
  add('local header names ../evil.xml, the central record a.xml', 'PKG-ZIP-CORRUPT', rawZip([{ ...honest, localName: '../evil.xml' }]), { soap: true });

  // Names.
  for (const name of ['../x.xml', '../../../../etc/cron.d/x.xml', '/tmp/x.xml', 'C:\\x.xml', '..\\x.xml', 'dir\\x.xml', 'C:x.xml', '\\\\server\\share\\x.xml']) {
    add(`entry name ${JSON.stringify(name)}`, 'PKG-ZIP-NAME', rawZip([{ name: 'a.xml', content: titulo }, { name, content: titulo }]), { soap: name === '../x.xml', mec: name === '/tmp/x.xml' });
  }

  // Counts.
  const tooMany = DEFAULT_INTAKE_LIMITS.maxEntries + 1;
  add(`${tooMany} tiny entries`, 'PKG-ZIP-ENTRIES', rawZip(Array.from({ length: tooMany }, (_, i): RawEntry => ({ name: `${i}.xml`, content: '<a/>' }))), { soap: true });
  add('end record claiming 65535 entries over 2', 'PKG-ZIP-ENTRIES', rawZip([{ name: 'a.xml', content: titulo }, { name: 'b.xml', content: titulo }], { entryCount: 65535 }));
  add('an empty zip', 'PKG-ZIP-NO-XML', await honestZip([]), { mec: true });

  // Not a zip, broken zips.
  add('random bytes named .zip', 'PKG-FORMAT', Buffer.concat([Buffer.from([0x89]), pseudoRandomBytes(4095, 3)]), { soap: true, mec: true });
  add('a PDF named .zip', 'PKG-FORMAT', Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'));
  add('UTF-16 text named .zip', 'PKG-FORMAT', Buffer.from('\ufeff<TituloElectronico/>', 'utf16le'));
  add('a zip signature followed by garbage', 'PKG-ZIP-CORRUPT', Buffer.concat([Buffer.from('PK\x03\x04'), pseudoRandomBytes(2048, 4)]), { soap: true });
  const three = await honestZip(['a', 'b', 'c'].map((n) => ({ name: `${n}.xml`, data: `<${n}>${'z'.repeat(3000)}</${n}>` })));
  add('a zip cut in half', 'PKG-ZIP-CORRUPT', three.subarray(0, three.length >> 1), { soap: true, mec: true });
  add('a zip without its last byte', 'PKG-ZIP-CORRUPT', three.subarray(0, three.length - 1));
  const content = Buffer.from(`<a>${'q'.repeat(500)}</a>`);
  const flipped = Buffer.from(content);
  flipped[200] = flipped[200]! ^ 0x01;
  add('bad CRC (stored)', 'PKG-ZIP-CRC', rawZip([{ name: 'a.xml', content, data: flipped }]), { soap: true, mec: true });
  add('bad CRC (deflated)', 'PKG-ZIP-CRC', rawZip([{ name: 'a.xml', content, method: 8, crc: 0xdeadbeef }]));
  add('encrypted entry', 'PKG-ZIP-CORRUPT', rawZip([{ name: 'a.xml', content: titulo, method: 8, flags: 0x801 }]));
  add('compression method 99 (AES)', 'PKG-ZIP-CORRUPT', rawZip([{ name: 'a.xml', content: titulo, method: 99 }]));
  add('deflate data that is not deflate', 'PKG-ZIP-CORRUPT', rawZip([{ name: 'a.xml', content: titulo, method: 8, data: pseudoRandomBytes(64, 5) }]));
  return list;
}

t.test('hostile archives through the REST upload, the SOAP carga and the MEC upload', async (t) => {
  const testApp = await buildTestApp();
  t.teardown(() => testApp.close());
  const { app } = testApp;
  const inst = await seedMecInstitution(testApp);
  const auth = basicAuth(inst.usuario, inst.password);
  const credentials = { usuario: inst.usuario, password: inst.password };
  const folio = (await app.inject({ method: 'POST', url: '/api/v1/mec/folios', headers: auth, payload: { certificados: 1 } })).json() as { folio: string };

  const mecUpload = async (bytes: Buffer): Promise<Answer> => {
    const res = await app.inject({ method: 'POST', url: `/api/v1/mec/folios/${folio.folio}/cargas?wait=true`, headers: { ...auth, 'content-type': 'application/zip' }, payload: bytes });
    if (res.statusCode >= 500) return { code: `HTTP ${res.statusCode}`, crashed: true };
    const body = res.json() as { error?: { code: string; check?: { code: string } } };
    return { code: body.error?.check?.code ?? body.error?.code ?? `HTTP ${res.statusCode}`, crashed: false, detail: `HTTP ${res.statusCode} ${body.error?.code ?? ''}` };
  };

  for (const attack of await hostileArchives()) {
    await tally.expect(t, `REST: ${attack.name}`, attack.code, () => restUpload(app, auth, attack.bytes, attack.file ?? 'lote.zip'));
    if (attack.soap) await tally.expect(t, `SOAP: ${attack.name}`, attack.code, () => soapUpload(app, credentials, auth, 'lote.zip', Buffer.from(attack.bytes)));
    if (attack.mec) await tally.expect(t, `MEC: ${attack.name}`, attack.code, () => mecUpload(attack.bytes));
  }

  await tally.expect(t, 'REST: an upload one byte over the cap', 'PAYLOAD_TOO_LARGE',
    () => restUpload(app, auth, Buffer.alloc(DEFAULT_INTAKE_LIMITS.maxUploadBytes + 1, 0x50), 'lote.zip'));
  await tally.expect(t, 'REST: an empty body', 'VALIDATION', () => restUpload(app, auth, Buffer.alloc(0), 'lote.zip'));
  await tally.expect(t, 'SOAP: an empty archivoBase64', 'PKG-EMPTY', () => soapUpload(app, credentials, auth, 'lote.zip', Buffer.alloc(0)));

  const folioView = (await app.inject({ method: 'GET', url: `/api/v1/mec/folios/${folio.folio}`, headers: auth })).json() as { attempts: { used: number } };
  t.equal(folioView.attempts.used, 0, 'no hostile archive spent a MEC attempt');

  // The service still does its job.
  const valid = await restUpload(app, auth, await zipOf([{ name: 'ok.xml', content: tituloFor(testApp, inst, 'HOSTILE-OK-1') }]), 'valido.zip');
  t.equal(valid.code, '', 'a valid título is still registered over REST');
  const soapValid = await soapUpload(app, credentials, auth, 'valido.zip', await zipOf([{ name: 'ok.xml', content: tituloFor(testApp, inst, 'HOSTILE-OK-2') }]));
  t.equal(soapValid.code, '', 'and over SOAP');
  const dec = await mecUpload(await zipOf([{ name: 'dec.xml', content: decFor(testApp, inst, 'HOSTILE-DEC-1') }]));
  t.equal(dec.code, 'HTTP 200', 'and a certificado over the MEC upload');
  t.equal(tally.crashes, 0, 'no crash');
});

t.test('the largest attack: a zip filling every inflation cap, refused at its last entry, in a child process', async (t) => {
  const service = await child;
  const credentials = childCredentials;

  // As many 2 MiB entries as the total cap allows, each inflating 100:1 (the ratio cap) from the
  // same compressed bytes; the last one's CRC is wrong, so every byte is inflated before the refusal.
  const entryBytes = DEFAULT_INTAKE_LIMITS.maxEntryBytes;
  const count = Math.floor(DEFAULT_INTAKE_LIMITS.maxTotalBytes / entryBytes);
  const plain = Buffer.alloc(entryBytes, 0x20);
  pseudoRandomBytes(Math.ceil(entryBytes / 95), 6).copy(plain);
  const compressed = deflateRawSync(plain);
  t.ok(entryBytes <= compressed.length * DEFAULT_INTAKE_LIMITS.maxCompressionRatio, `one entry is ${compressed.length} bytes compressed, within the ratio cap`);
  const entries = Array.from({ length: count }, (_, i): RawEntry => ({
    name: `relleno${i}.xml`, content: plain, method: 8, data: compressed, ...(i === count - 1 ? { crc: 0x0badc0de } : {}),
  }));
  const zip = rawZip(entries);
  t.comment(`the zip: ${(zip.length / MiB).toFixed(1)} MiB holding ${count} × ${entryBytes} bytes = ${((count * entryBytes) / MiB).toFixed(0)} MiB inflated`);

  const before = await service.memory();
  const answer = await tally.expect(t, 'the cap-filling zip over REST (child)', 'PKG-ZIP-CRC', async () => {
    const res = await rawPost(`${service.url}/api/v1/met/lotes?wait=true&checks=problems&nombreArchivo=relleno.zip`,
      { ...basicAuth(credentials.usuario, credentials.password), 'content-type': 'application/zip', 'content-length': String(zip.length) }, [zip]);
    largest.largestAttackRejectMs = Math.round(res.ms);
    if (res.status !== 200) return { code: `HTTP ${res.status}`, crashed: res.status >= 500, detail: res.body.slice(0, 200) };
    const detail = JSON.parse(res.body) as { documents: Array<{ checks: Array<{ code: string; status: string }> }> };
    return { code: detail.documents[0]?.checks.find((c) => c.status === 'error')?.code ?? '', crashed: false };
  });
  const after = await service.memory();
  largest.largestAttackPeakRssMb = Math.round(attackPeakMb(before, after));
  t.comment(`refused in ${largest.largestAttackRejectMs} ms; RSS before ${before.rssMb.toFixed(0)} MB, sampled peak during ${after.sampledPeakMb.toFixed(0)} MB, kernel high-water ${after.maxRssMb.toFixed(0)} MB`);
  t.equal(answer.crashed, false);
  const capMb = DEFAULT_INTAKE_LIMITS.maxTotalBytes / MiB;
  t.ok(after.maxRssMb < before.rssMb + capMb + 200, `peak RSS ${after.maxRssMb.toFixed(0)} MB stays within the baseline + the total inflation cap (${capMb} MB) + 200 MB`);

  const consulta = await rawPost(`${service.url}${MET_SOAP_PATH}`, { 'content-type': 'text/xml; charset=utf-8' }, [consultaEnvelope(credentials, 1)]);
  t.equal(soapAnswer(consulta.status, consulta.contentType, consulta.body).code, 'response', 'the service still answers a SOAP consulta afterwards');
});
