import t from 'tap';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CANCELLATION_RULES } from '../../src/certificados/cancellations.js';
import { renderWsdl } from '../../src/wire/met/wsdl.js';
import { parseMecEnvelope } from '../../src/wire/mec/envelope.js';
import { ESTATUS_FOLIO } from '../../src/wire/mec/messages.js';
import { cancelaResponse, cargaResponse, consultaFolioResponse, consultaResponse, descargaResponse } from '../../src/wire/mec/responses.js';
import { renderMecWsdl } from '../../src/wire/mec/wsdl.js';
import { SEP_NS, mecEnvelope } from '../support/mec-soap.js';

const OPERATIONS = [
  'cargaCertificadoElectronico', 'consultaProcesoCertificadoElectronico', 'descargaCertificadoElectronico', 'consultaFolio', 'cancelaCertificadoElectronico',
];

type Node = Record<string, unknown>;
const ARRAYS = new Set(['wsdl:message', 'wsdl:operation', 'wsdl:part', 'xs:element', 'xs:enumeration', 'xs:complexType', 'xs:simpleType']);
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ARRAYS.has(name) });
const ordered = new XMLParser({ preserveOrder: true, ignoreAttributes: true });

const wsdl = renderMecWsdl('https', 'mec.example.test:8443');
const defs = (parser.parse(wsdl) as Node)['wsdl:definitions'] as Node;
const schema = (defs['wsdl:types'] as Node)['xs:schema'] as Node;
const elements = new Map((schema['xs:element'] as Node[]).map((e) => [e['name'] as string, e]));
const messages = new Map((defs['wsdl:message'] as Node[]).map((m) => [m['name'] as string, (m['wsdl:part'] as Node[])]));
const portOps = ((defs['wsdl:portType'] as Node)['wsdl:operation'] as Node[]);
const bindingOps = ((defs['wsdl:binding'] as Node)['wsdl:operation'] as Node[]);

/** The child elements of a top-level element's sequence, in order. */
function sequence(name: string): Node[] {
  const type = (elements.get(name)?.['xs:complexType'] as Node[] | undefined)?.[0];
  return ((type?.['xs:sequence'] as Node | undefined)?.['xs:element'] as Node[] | undefined) ?? [];
}

function complexType(doc: string, name: string): unknown {
  const s = ((parser.parse(doc) as Node)['wsdl:definitions'] as Node)['wsdl:types'] as Node;
  return ((s['xs:schema'] as Node)['xs:complexType'] as Node[]).find((c) => c['name'] === name);
}

t.test('well-formed WSDL 1.1, SOAP 1.1 document/literal, empty soapAction, SEP namespace', async (t) => {
  t.equal(XMLValidator.validate(wsdl), true);
  t.equal(defs['targetNamespace'], SEP_NS);
  t.equal(defs['xmlns:tns'], SEP_NS);
  t.equal(defs['xmlns:soap'], 'http://schemas.xmlsoap.org/wsdl/soap/', 'the SOAP 1.1 binding namespace');
  t.equal(schema['targetNamespace'], SEP_NS);
  t.equal(schema['elementFormDefault'], 'qualified');
  const binding = defs['wsdl:binding'] as Node;
  t.same(binding['soap:binding'], { style: 'document', transport: 'http://schemas.xmlsoap.org/soap/http' });
  t.equal(binding['type'], 'tns:CertificadosPortType');
  t.equal((defs['wsdl:portType'] as Node)['name'], 'CertificadosPortType');
  const service = defs['wsdl:service'] as Node;
  t.equal(service['name'], 'CertificadosPortTypeService');
  t.same((service['wsdl:port'] as Node)['soap:address'], { location: 'https://mec.example.test:8443/mec-ws/services/' });
  for (const op of bindingOps) {
    t.same(op['soap:operation'], { soapAction: '' }, `${String(op['name'])}: soapAction=""`);
    t.same((op['wsdl:input'] as Node)['soap:body'], { use: 'literal' });
    t.same((op['wsdl:output'] as Node)['soap:body'], { use: 'literal' });
  }
});

t.test('operations, messages, parts and elements are consistent', async (t) => {
  t.same(portOps.map((o) => o['name']), OPERATIONS);
  t.same(bindingOps.map((o) => o['name']), OPERATIONS, 'the binding has every operation of the port type, in order');
  const used = new Set<string>();
  for (const op of portOps) {
    const name = op['name'] as string;
    const binding = bindingOps.find((b) => b['name'] === name)!;
    for (const [dir, suffix] of [['wsdl:input', 'Request'], ['wsdl:output', 'Response']] as const) {
      const io = op[dir] as Node;
      t.equal(io['message'], `tns:${name}${suffix}`, `${name} ${dir}`);
      t.equal(io['name'], `${name}${suffix}`);
      t.equal((binding[dir] as Node)['name'], `${name}${suffix}`, `${name}: binding ${dir} named as in the port type`);
      const parts = messages.get(`${name}${suffix}`);
      t.same(parts, [{ element: `tns:${name}${suffix}`, name: `${name}${suffix}` }], `${name}${suffix}: one part, the element of the same name`);
      t.ok(elements.has(`${name}${suffix}`), `${name}${suffix} is declared in the schema`);
      used.add(`${name}${suffix}`);
    }
  }
  t.same([...messages.keys()].sort(), [...used].sort(), 'no message without an operation');
  t.same([...elements.keys()].sort(), [...used].sort(), 'no element without a message');
  for (const op of OPERATIONS) {
    const last = sequence(`${op}Request`).at(-1);
    t.same(last, { name: 'autenticacion', type: 'ws:autenticacionType' }, `${op}Request ends with autenticacion`);
  }
});

t.test('types: the MET autenticacionType, SEP-style fields, the folio states the code reports', async (t) => {
  t.same(complexType(wsdl, 'autenticacionType'), complexType(renderWsdl('qa', 'http://x/'), 'autenticacionType'), 'identical to the MET WSDL');
  const field = (element: string, name: string) => sequence(element).find((e) => e['name'] === name);
  const nombre = (field('cargaCertificadoElectronicoRequest', 'nombreArchivo')?.['xs:simpleType'] as Node[])[0]?.['xs:restriction'] as Node;
  t.same([nombre['xs:minLength'], nombre['xs:maxLength']], [{ value: '2' }, { value: '100' }]);
  t.equal(field('cargaCertificadoElectronicoRequest', 'archivoBase64')?.['type'], 'xs:base64Binary');
  t.equal(field('consultaProcesoCertificadoElectronicoRequest', 'numeroLote')?.['type'], 'xs:integer');
  t.equal(field('consultaProcesoCertificadoElectronicoResponse', 'estatusLote')?.['type'], 'xs:short');
  t.equal(field('descargaCertificadoElectronicoResponse', 'certificadosBase64')?.['type'], 'xs:base64Binary');
  t.equal(field('cancelaCertificadoElectronicoResponse', 'codigo')?.['type'], 'xs:int', 'codigo as in the MET');
  t.equal(field('cancelaCertificadoElectronicoResponse', 'fechaEfectiva')?.['type'], 'xs:dateTime');
  const motivo = (field('cancelaCertificadoElectronicoRequest', 'motivo')?.['xs:simpleType'] as Node[])[0]?.['xs:restriction'] as Node;
  t.same(motivo['xs:maxLength'], { value: String(CANCELLATION_RULES.maxMotivoLength) }, 'the service\'s own limit on the motive');
  t.same(field('cargaCertificadoElectronicoResponse', 'numeroLote'), { minOccurs: '0', name: 'numeroLote', type: 'xs:integer' }, 'a refused carga has no numeroLote');
  const estatus = (schema['xs:simpleType'] as Node[]).find((s) => s['name'] === 'estatusFolioType')!;
  t.same(((estatus['xs:restriction'] as Node)['xs:enumeration'] as Node[]).map((e) => e['value']), Object.values(ESTATUS_FOLIO));
});

t.test('the parser accepts every request as the WSDL describes it', async (t) => {
  const sample: Record<string, string> = { 'xs:string': 'P1', 'xs:integer': '100001', 'xs:base64Binary': 'UEsFBg==' };
  for (const op of OPERATIONS) {
    const inner = sequence(`${op}Request`)
      .filter((e) => e['name'] !== 'autenticacion')
      .map((e) => `<sch:${String(e['name'])}>${e['name'] === 'nombreArchivo' ? 'lote.zip' : sample[(e['type'] as string | undefined) ?? 'xs:string']}</sch:${String(e['name'])}>`)
      .join('');
    const parsed = parseMecEnvelope(Buffer.from(mecEnvelope(op, inner, 'u', 'p')));
    t.ok(parsed.ok && parsed.request.operation === op, `${op}Request parses to ${op}`);
  }
});

t.test('every response is written with the WSDL sequence, in order', async (t) => {
  const written: Record<string, Buffer> = {
    cargaCertificadoElectronicoResponse: cargaResponse({ numeroLote: 1, intento: 1, intentosRestantes: 2 }, 'm'),
    consultaProcesoCertificadoElectronicoResponse: consultaResponse(1, 0, 'm'),
    descargaCertificadoElectronicoResponse: descargaResponse(1, 'm', Buffer.from('x')),
    consultaFolioResponse: consultaFolioResponse('P1', {
      estatusFolio: 'ACTIVO', certificados: 2, certificadosAutenticados: 1, certificadosPendientes: 1, intentosUsados: 1, intentosRestantes: 2,
    }, 'm'),
    cancelaCertificadoElectronicoResponse: cancelaResponse(0, 'm', new Date('2026-01-02T03:04:05Z')),
  };
  for (const [element, xml] of Object.entries(written)) {
    const body = (ordered.parse(xml.toString()) as Node[])[0]!['env:Envelope'] as Node[];
    const wrapper = ((body[1]!['env:Body'] as Node[])[0]) as Node;
    const children = (wrapper[element] as Node[]).map((c) => Object.keys(c)[0]);
    t.same(children, sequence(element).map((e) => e['name']), element);
  }
});
