import t from 'tap';
import * as QRCode from 'qrcode';
import { renderConstanciaTituloPdf } from '../../src/documents/constancia-titulo-pdf.js';
import { CARTA, QR_OPTIONS } from '../../src/documents/pdf-common.js';
import { authenticateTitulo } from '../../src/domain/titulos/authenticate-titulo.js';
import { buildTitulo, getAttribute } from '../support/titulo-fixture.js';
import { mintEfirma } from '../support/pki.js';
import { allText, countPageObjects, isQrOf, pdfImages, pdfPages } from './pdf-inspect.js';

const VERIFY_URL = 'https://metmec.test/verificar/titulo/9d7e36c4-2b1a-4f0e-8c55-0a1b2c3d4e5f';
const FOLIO = '9d7e36c4-2b1a-4f0e-8c55-0a1b2c3d4e5f';
const rector = mintEfirma({ name: 'ROSA MARIA GARCIA LOPEZ' });
const responsable = mintEfirma({ name: 'JOSÉ ÑANDÚ PEÑA' });
const authority = mintEfirma({ name: 'ELENA SOFIA MENDOZA RIVAS' });
const built = buildTitulo({ today: '2025-06-16', signers: [rector, responsable] });
const titulo = authenticateTitulo(built.root, {
  folioDigital: FOLIO,
  fechaAutenticacion: '2025-06-16T10:30:00',
  authority: { numeroCertificado: authority.number, privateKey: authority.privateKey },
});
const pdf = await renderConstanciaTituloPdf(titulo, { verifyUrl: VERIFY_URL });
const pages = pdfPages(pdf);
const lines = pages.flatMap((p) => p.lines.map((l) => l.text));
const text = allText(pages);

t.test('one letter page', async (t) => {
  t.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  t.equal(countPageObjects(pdf), 1);
  t.same(CARTA, [612, 792]);
  t.same(pages[0]?.mediaBox, [0, 0, 612, 792]);
  t.ok(lines.includes('HOJA 1 DE 1'));
});

t.test('the título: profesionista, carrera, institución, folioControl, signers', async (t) => {
  t.ok(lines.includes('CONSTANCIA DE AUTENTICACIÓN'));
  t.ok(lines.includes('JUAN PEREZ GARCIA') && lines.includes('PEGJ950314HDFRRN07'), 'profesionista');
  t.ok(lines.includes('LICENCIATURA EN INGENIERÍA DE SOFTWARE (100001)'), 'carrera');
  t.ok(lines.includes('UNIVERSIDAD DE PRUEBAS METMEC (090001)'), 'institución');
  t.ok(lines.includes('RVOE FEDERAL 20150001'), 'RVOE');
  t.ok(lines.includes('FC-000001'), 'folioControl');
  t.match(text, /folio de control\s+FC-000001, expedido por UNIVERSIDAD DE PRUEBAS METMEC a favor de JUAN PEREZ GARCIA/, 'in the statement too');
  t.ok(lines.includes('RESPONSABLE DE EXPEDICIÓN') && lines.includes('LIC. JOSÉ ÑANDÚ PEÑA'), 'signers, with accents and Ñ');
  t.ok(lines.includes('RECTOR') && lines.includes('DR. ROSA MARIA GARCIA LOPEZ'));
});

t.test('the Autenticacion data and the QR code', async (t) => {
  const a = (name: string) => getAttribute(titulo, 'Autenticacion', name) ?? '';
  t.ok(lines.includes(FOLIO), 'folioDigital');
  t.ok(lines.includes('16 DE JUNIO DE 2025, 10:30:00 H'), 'fechaAutenticacion');
  t.ok(lines.includes(authority.number), 'noCertificadoAutoridad');
  t.ok(a('selloAutenticacion').length > 300 && lines.join('').includes(a('selloAutenticacion')), 'selloAutenticacion printed whole');
  t.notOk(lines.join('').includes(a('selloTitulo')), 'selloTitulo is not printed');
  const rgb = pdfImages(pdf).filter((i) => i.colorSpace === 'DeviceRGB');
  t.equal(rgb.length, 1);
  t.match(pdf.toString('latin1'), /\/Subtype \/Image/);
  const qr = rgb[0];
  if (qr) {
    const modules = QRCode.create(VERIFY_URL, { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel }).modules;
    t.ok(isQrOf(qr, modules, QR_OPTIONS.margin, QR_OPTIONS.scale), 'encodes verifyUrl');
    const other = QRCode.create(VERIFY_URL.replace('9d7e', '0d7e'), { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel }).modules;
    t.notOk(isQrOf(qr, other, QR_OPTIONS.margin, QR_OPTIONS.scale));
  }
});

t.test('refuses a título without Autenticacion', async (t) => {
  await t.rejects(renderConstanciaTituloPdf(built.root, { verifyUrl: VERIFY_URL }), { name: 'TypeError', message: /Autenticacion/ });
  await t.rejects(renderConstanciaTituloPdf({ ...titulo, name: 'Dec' }, { verifyUrl: VERIFY_URL }), { name: 'TypeError' });
});
