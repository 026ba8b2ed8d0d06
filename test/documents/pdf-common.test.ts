import t from 'tap';
import { fechaHora, fechaLarga, mesAnio, pdfText } from '../../src/documents/pdf-common.js';

t.test('pdfText keeps Spanish and WinAnsi, replaces the rest', async (t) => {
  t.equal(pdfText('ÁÉÍÓÚÜÑ áéíóúüñ ¿¡ «» € – — “”'), 'ÁÉÍÓÚÜÑ áéíóúüñ ¿¡ «» € – — “”');
  t.equal(pdfText('Jose\u0301 N\u0303'), 'José Ñ', 'decomposed accents are composed (NFC)');
  t.equal(pdfText('a\tb\nc\rd'), 'a b c d', 'control characters as spaces');
  t.equal(pdfText('→ 😀 Ω 中'), '? ? ? ?', 'outside WinAnsi: ?');
  t.equal(pdfText('\u0000\u0081'), '??');
});

t.test('Spanish dates', async (t) => {
  t.equal(mesAnio('2014-08-29T00:00:00'), 'AGOSTO DE 2014');
  t.equal(mesAnio('1980-01-01'), 'ENERO DE 1980');
  t.equal(mesAnio('2014-12-31T00:00:00'), 'DICIEMBRE DE 2014');
  t.equal(mesAnio('2014-13-01T00:00:00'), '2014-13-01T00:00:00', 'unreadable: as written');
  t.equal(mesAnio('ACUERDO'), 'ACUERDO');
  t.equal(fechaLarga('2020-03-06T00:00:00'), '6 DE MARZO DE 2020');
  t.equal(fechaHora('2025-06-16T10:30:00'), '16 DE JUNIO DE 2025, 10:30:00 H');
  t.equal(fechaHora('2017-12-17T09:30:47Z'), '17 DE DICIEMBRE DE 2017, 09:30:47 H');
  t.equal(fechaHora('2025-06-16'), '16 DE JUNIO DE 2025');
});
