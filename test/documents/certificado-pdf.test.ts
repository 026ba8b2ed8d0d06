import t from 'tap';
import * as QRCode from 'qrcode';
import { renderCertificadoPdf } from '../../src/documents/certificado-pdf.js';
import { OFICIO, QR_OPTIONS } from '../../src/documents/pdf-common.js';
import { sealDec, type DecSeal } from '../../src/domain/certificados/sep-nodes.js';
import type { XmlElement } from '../../src/intake/xml-tree.js';
import { decForPlan, defaultPlan, getAttribute, type DecValues } from '../support/dec-fixture.js';
import { mintEfirma } from '../support/pki.js';
import { allText, countPageObjects, isQrOf, pdfImages, pdfPages, type PdfPage } from './pdf-inspect.js';

const TODAY = '2025-06-16';
const VERIFY_URL = 'https://metmec.test/verificar/certificado/3f2c7a0e-9b1d-4c5e-8f6a-1b2c3d4e5f60';
const signer = mintEfirma();
const authority = mintEfirma({ name: 'ELENA SOFIA MENDOZA RIVAS' });
const SEAL: DecSeal = {
  fechaDreoe: `${TODAY}T10:30:00`,
  official: { curp: authority.curp, nombreCompleto: authority.name, idCargo: '1', cargo: 'DIRECTOR' },
  authority: { numeroCertificado: authority.number, privateKey: authority.privateKey },
  folioDigital: '3f2c7a0e-9b1d-4c5e-8f6a-1b2c3d4e5f60',
  fechaSepIpes: `${TODAY}T10:30:05`,
};

function sealedDec(subjects: number, edit?: (values: DecValues) => void): XmlElement {
  const built = decForPlan(defaultPlan({ subjects }), { credential: signer, today: TODAY, ...(edit ? { edit } : {}) });
  return sealDec(built.root, SEAL);
}

const lineTexts = (page: PdfPage): string[] => page.lines.map((l) => l.text);
/** Table rows: lines whose text is a row number drawn in the No. column. */
const rowNumbers = (page: PdfPage): number[] => page.lines.filter((l) => /^\d{1,3}$/.test(l.text) && l.x < 70).map((l) => Number(l.text));

const dec50 = sealedDec(50);
const pdf50 = await renderCertificadoPdf(dec50, { verifyUrl: VERIFY_URL });
const pages50 = pdfPages(pdf50);
const text50 = allText(pages50);

t.test('a PDF on oficio paper', async (t) => {
  t.equal(pdf50.subarray(0, 5).toString('latin1'), '%PDF-');
  t.equal(pdf50.subarray(-6).toString('latin1').trim(), '%%EOF');
  t.same(OFICIO, [612.28, 963.78], '216 x 340 mm in points');
  t.equal(countPageObjects(pdf50), 2, '50 subjects take two pages');
  t.equal(pages50.length, 2);
  for (const page of pages50) t.same(page.mediaBox, [0, 0, 612.28, 963.78], 'MediaBox of an oficio page');
});

t.test('the identification, the RVOE date as month and year, and the totals', async (t) => {
  const first = lineTexts(pages50[0] as PdfPage);
  t.ok(first.includes('CERTIFICADO ELECTRÓNICO DE ESTUDIOS'), 'title with its accent');
  t.ok(first.includes('CERTIFICACIÓN TOTAL'));
  t.ok(first.includes('UNIVERSIDAD DE PRUEBAS METMEC (20585)'));
  t.ok(first.includes('ÚNICO (150840)'), 'campus');
  t.ok(first.includes('20140252 DE FECHA AGOSTO DE 2014'), 'RVOE number and month-year date');
  t.notMatch(text50, '2014-08-29', 'the full RVOE date is never printed');
  t.notMatch(text50, /29 DE AGOSTO DE 2014/);
  t.ok(first.some((l) => l.startsWith('LICENCIATURA EN INGENIERÍA DE')), 'carrera');
  t.ok(first.includes('JUAN PEREZ GARCIA') && first.includes('PEGJ950314HDFRRN07') && first.includes('20150001'), 'alumno');
  t.ok(first.includes('SEMESTRE') && first.includes('LICENCIATURA'), 'catalog texts');
  const last = lineTexts(pages50[1] as PdfPage);
  const totals = (name: string) => getAttribute(dec50, 'Asignaturas', name) ?? '';
  t.ok(last.includes(totals('promedio')), 'promedio');
  t.ok(last.includes(`${totals('creditosObtenidos')} DE ${totals('totalCreditos')}`), 'créditos');
  t.ok(last.includes('50 DE 50'), 'asignaturas');
  t.ok(last.includes('MÉXICO, 14 DE JUNIO DE 2025'), 'lugar y fecha de expedición');
});

t.test('every subject once, in order, with the table header on each page', async (t) => {
  t.same(pages50.flatMap(rowNumbers), Array.from({ length: 50 }, (_, i) => i + 1));
  for (const page of pages50) t.ok(lineTexts(page).includes('ASIGNATURA') && lineTexts(page).includes('CALIFICACIÓN'), 'table header');
  for (let i = 1; i <= 50; i++) t.match(text50, new RegExp(`^\\*{0,2}ASIGNATURA ${i}$`, 'm'));
  t.match(text50, /^\*\*ASIGNATURA 50$/m, 'the complementaria is marked');
  t.match(text50, /^\*\* ASIGNATURA COMPLEMENTARIA: NO SE CONSIDERA EN EL PROMEDIO\.$/m, 'and explained');
  t.match(text50, /^LIS-101$/m, 'claveAsignatura');
  t.match(text50, /^2019-1$/m, 'ciclo');
});

t.test('the authentication block: folios, dates, official and the three seals', async (t) => {
  const last = pages50[1] as PdfPage;
  const lines = lineTexts(last);
  t.ok(lines.includes('3f2c7a0e-9b1d-4c5e-8f6a-1b2c3d4e5f60'), 'SepIpes folioDigital');
  t.ok(lines.includes('16 DE JUNIO DE 2025, 10:30:00 H') && lines.includes('16 DE JUNIO DE 2025, 10:30:05 H'), 'fechaDreoe and fechaSepIpes');
  t.ok(lines.includes('ELENA SOFIA MENDOZA RIVAS, DIRECTOR') && lines.includes(authority.number), 'official');
  t.ok(lines.includes('DEC-000001'), 'folioControl');
  const joined = lines.join('');
  for (const [node, name] of [
    ['Dreoe', 'selloDec'],
    ['Dreoe', 'selloDreoe'],
    ['SepIpes', 'selloSepIpes'],
  ] as const) {
    const sello = getAttribute(dec50, node, name) ?? '';
    t.ok(sello.length > 300 && joined.includes(sello), `${name} printed whole`);
  }
});

t.test('the QR code is an image of the verification URL', async (t) => {
  const images = pdfImages(pdf50);
  t.ok(images.length >= 1, 'an /Subtype /Image XObject');
  t.match(pdf50.toString('latin1'), /\/Subtype \/Image/);
  const rgb = images.filter((i) => i.colorSpace === 'DeviceRGB');
  t.equal(rgb.length, 1, 'one QR');
  const qr = rgb[0];
  if (!qr) return;
  const mine = QRCode.create(VERIFY_URL, { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel }).modules;
  const other = QRCode.create(`${VERIFY_URL}0`, { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel }).modules;
  t.ok(isQrOf(qr, mine, QR_OPTIONS.margin, QR_OPTIONS.scale), 'encodes verifyUrl');
  t.notOk(isQrOf(qr, other, QR_OPTIONS.margin, QR_OPTIONS.scale), 'and not another URL');
  t.equal(pages50[1]?.images.length, 1, 'drawn on the last page');
  t.ok(lineTexts(pages50[1] as PdfPage).some((l) => l.includes('metmec.test/verificar')), 'the URL printed under it');
});

t.test('120 subjects: three pages, nothing drawn over the footer, HOJA i DE n', async (t) => {
  const pdf = await renderCertificadoPdf(sealedDec(120), { verifyUrl: VERIFY_URL });
  const pages = pdfPages(pdf);
  t.equal(countPageObjects(pdf), 3);
  t.equal(pages.length, 3);
  t.same(pages.flatMap(rowNumbers), Array.from({ length: 120 }, (_, i) => i + 1), 'every row once, in order');
  pages.forEach((page, i) => {
    t.same(page.mediaBox, [0, 0, 612.28, 963.78]);
    const lines = lineTexts(page);
    t.ok(lines.includes(`HOJA ${i + 1} DE 3`), `page ${i + 1} numbered`);
    t.ok(lines.includes('FOLIO DE CONTROL DEC-000001'), 'folio in the footer');
    t.ok(rowNumbers(page).length > 0, 'each page carries subjects');
    t.ok(lines.includes('CALIFICACIÓN'), 'with the table header');
    if (i > 0) t.ok(lines.includes('CERTIFICADO ELECTRÓNICO DE ESTUDIOS (CONTINUACIÓN)'), 'continuation header');
    const footerLines = page.lines.filter((l) => l.y < 44);
    t.ok(footerLines.length >= 3, 'footer present');
    for (const l of footerLines) t.match(l.text, /^(HOJA \d+ DE \d+|FOLIO DE CONTROL .*|Representación impresa .*)$/, 'only the footer below the content box');
    const top = Math.max(...page.lines.map((l) => l.y));
    t.ok(top < 963.78 - 30, 'nothing above the top margin');
  });
  t.equal(pdfImages(pdf).filter((i) => i.colorSpace === 'DeviceRGB').length, 1, 'one QR');
});

t.test('names from the registered plan when the DEC leaves them out; text outside WinAnsi', async (t) => {
  const dec = sealedDec(10, (v) => {
    v.carrera['nombreCarrera'] = undefined;
    v.subjects.forEach((s) => (s['nombre'] = undefined));
    v.subjects[1]!['nombre'] = 'LÓGICA → MATEMÁTICA';
    v.subjects[2]!['idObservaciones'] = '71';
  });
  const pdf = await renderCertificadoPdf(dec, {
    verifyUrl: VERIFY_URL,
    plan: { nombreCarrera: 'LICENCIATURA EN DISEÑO', asignaturas: new Map([['315', 'DISEÑO BÁSICO I'], ['316', 'NO SE USA']]) },
  });
  const text = allText(pdfPages(pdf));
  t.match(text, /^LICENCIATURA EN DISEÑO \(612301\)$/m, 'carrera from the plan');
  t.match(text, /^DISEÑO BÁSICO I$/m, 'subject name from the plan');
  t.match(text, /^LÓGICA \? MATEMÁTICA$/m, "the DEC's own name wins; a character outside WinAnsi prints as ?");
  t.notMatch(text, 'NO SE USA');
  t.match(text, /^E\.E\.$/m, 'observación abbreviation in the row');
  t.match(text, /E\.E\. EXAMEN EXTRAORDINARIO\./, 'and in the legend');
});

t.test('refuses what is not a sealed Dec', async (t) => {
  const unsealed = decForPlan(defaultPlan(), { credential: signer, today: TODAY }).root;
  await t.rejects(renderCertificadoPdf(unsealed, { verifyUrl: VERIFY_URL }), { name: 'TypeError', message: /sealed Dec/ });
  await t.rejects(renderCertificadoPdf({ ...dec50, name: 'TituloElectronico' }, { verifyUrl: VERIFY_URL }), { name: 'TypeError', message: /Dec root/ });
});

t.test('oversized values are cut instead of taking over the pages', async (t) => {
  const huge = 'Ñ'.repeat(20_000);
  const dec = sealedDec(10, (v) => {
    v.ipes['nombreInstitucion'] = huge;
    v.subjects[0]!['nombre'] = huge;
  });
  const pdf = await renderCertificadoPdf(dec, { verifyUrl: `${VERIFY_URL}?x=${'a'.repeat(1000)}` });
  const pages = pdfPages(pdf);
  t.ok(pages.length <= 2, `${pages.length} pages`);
  const text = allText(pages);
  t.match(text, /Ñ\.\.\.$/m, 'the cut is marked');
  t.notOk(text.includes('Ñ'.repeat(400)), 'no value longer than the field limit');
});

t.test('a verification URL too long for a QR code is a RangeError', async (t) => {
  await t.rejects(renderCertificadoPdf(dec50, { verifyUrl: `${VERIFY_URL}?x=${'a'.repeat(5000)}` }), { name: 'RangeError', message: /QR code/ });
});
