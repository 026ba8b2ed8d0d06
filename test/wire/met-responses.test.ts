import t from 'tap';
import {
  cancelaResponse, cargaResponse, consultaResponse, descargaResponse, escapeXmlText, soapFault,
} from '../../src/wire/met/responses.js';
import { MET_MESSAGES } from '../../src/wire/met/messages.js';

const OPEN = '<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Header/><env:Body>';
const CLOSE = '</env:Body></env:Envelope>';

t.test('carga response: exact bytes, env: prefix, default-namespace wrapper', async (t) => {
  const xml = cargaResponse(143041, MET_MESSAGES.cargaAccepted('títulos & <otros>.zip', 143041));
  t.equal(xml.toString('utf8'),
    OPEN +
      '<cargaTituloElectronicoResponse xmlns="http://ws.web.mec.sep.mx/schemas">' +
      '<numeroLote>143041</numeroLote>' +
      '<mensaje>Se recibió el archivo títulos &amp; &lt;otros&gt;.zip con número de lote 143041.</mensaje>' +
      '</cargaTituloElectronicoResponse>' + CLOSE);
});

t.test('failed login on carga: no numeroLote, reason in mensaje (spec §1.4)', async (t) => {
  t.equal(cargaResponse(undefined, MET_MESSAGES.authFailed()).toString('utf8'),
    OPEN + '<cargaTituloElectronicoResponse xmlns="http://ws.web.mec.sep.mx/schemas">' +
      '<mensaje>Usuario o contraseña incorrectos.</mensaje></cargaTituloElectronicoResponse>' + CLOSE);
});

t.test('consulta response, with and without the optional mensaje', async (t) => {
  t.equal(consultaResponse(7, 1, MET_MESSAGES.consultaProcessed(7)).toString(),
    OPEN + '<consultaProcesoTituloElectronicoResponse xmlns="http://ws.web.mec.sep.mx/schemas"><numeroLote>7</numeroLote>' +
      '<estatusLote>1</estatusLote><mensaje>El número de lote 7 se encuentra PROCESADO.</mensaje></consultaProcesoTituloElectronicoResponse>' + CLOSE);
  t.equal(consultaResponse(7, 0).toString(),
    OPEN + '<consultaProcesoTituloElectronicoResponse xmlns="http://ws.web.mec.sep.mx/schemas"><numeroLote>7</numeroLote>' +
      '<estatusLote>0</estatusLote></consultaProcesoTituloElectronicoResponse>' + CLOSE);
  t.throws(() => consultaResponse(7, 40000), RangeError);
});

t.test('descarga response: base64 package, or an empty titulosBase64 element when not ready', async (t) => {
  const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 1, 2, 3, 4, 5, 250]);
  t.equal(descargaResponse(9, MET_MESSAGES.descargaReady(9), zip).toString(),
    OPEN + '<descargaTituloElectronicoResponse xmlns="http://ws.web.mec.sep.mx/schemas"><numeroLote>9</numeroLote>' +
      '<mensaje>El número de lote 9 finalizó el proceso, se descarga archivo con la relación correspondiente</mensaje>' +
      `<titulosBase64>${zip.toString('base64')}</titulosBase64></descargaTituloElectronicoResponse>` + CLOSE);
  const notReady = descargaResponse(9, MET_MESSAGES.descargaNotReady(9), null).toString();
  t.match(notReady, '<titulosBase64></titulosBase64>');
  t.match(notReady, /<mensaje>[^<]*ESPERA[^<]*<\/mensaje>/, 'U3 looks for "ESPERA"');
  for (const n of [1, 2, 3, 1000, 1001]) {
    const data = Buffer.alloc(n, 7);
    const xml = descargaResponse(1, 'm', data).toString();
    t.equal(/<titulosBase64>([^<]*)</.exec(xml)?.[1], data.toString('base64'), `${n} bytes`);
  }
});

t.test('cancela response', async (t) => {
  t.equal(cancelaResponse(0, MET_MESSAGES.cancelOk('CBGE17028750')).toString(),
    OPEN + '<cancelaTituloElectronicoResponse xmlns="http://ws.web.mec.sep.mx/schemas"><codigo>0</codigo>' +
      '<mensaje>El folio CBGE17028750 fue cancelado exitosamente.</mensaje></cancelaTituloElectronicoResponse>' + CLOSE);
});

t.test('fault shape', async (t) => {
  t.equal(soapFault('Client', 'a < b').toString(),
    OPEN + '<env:Fault><faultcode>env:Client</faultcode><faultstring>a &lt; b</faultstring></env:Fault>' + CLOSE);
  t.match(soapFault('Server', 'x').toString(), '<faultcode>env:Server</faultcode>');
});

t.test('text escaping keeps valid characters and drops what XML 1.0 cannot carry', async (t) => {
  t.equal(escapeXmlText('plain ñ 😀'), 'plain ñ 😀');
  t.equal(escapeXmlText('a&b<c>d\r\ne\u0001f\ud800g'), 'a&amp;b&lt;c&gt;d&#13;\ne\ufffdf\ufffdg');
});
