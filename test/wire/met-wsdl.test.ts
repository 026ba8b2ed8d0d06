import { sharedReference } from '../support/shared-reference.js';
import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { XMLParser } from 'fast-xml-parser';
import { renderWsdl, soapAddress, wsdlTemplate } from '../../src/wire/met/wsdl.js';

const SEP_WSDL = sharedReference('met', 'TitulosElectronicos.wsdl');

type Ordered = Array<Record<string, unknown>>;

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false });

/**
 * One line per named or typed node, in document order: `tag path name attrs`, where path is the
 * chain of ancestor names. Two WSDLs with the same lines describe the same contract.
 */
function signature(xml: string): string[] {
  const out: string[] = [];
  const walk = (nodes: Ordered, path: string[]): void => {
    for (const node of nodes) {
      const tag = Object.keys(node).find((k) => k !== ':@');
      if (!tag || tag === '#text' || tag === '?xml' || tag === '#comment') continue;
      const attrs = (node[':@'] ?? {}) as Record<string, string>;
      const keep = Object.entries(attrs)
        .filter(([k]) => !k.startsWith('xmlns') && k !== 'location')
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`);
      if (keep.length > 0) out.push(`${tag} ${path.join('/')} ${keep.join(' ')}`);
      walk(node[tag] as Ordered, attrs['name'] ? [...path, attrs['name']] : path);
    }
  };
  walk(parser.parse(xml) as Ordered, []);
  return out;
}

function rootAttrs(xml: string): Record<string, string> {
  const doc = parser.parse(xml) as Ordered;
  const defs = doc.find((n) => 'wsdl:definitions' in n);
  return (defs?.[':@'] ?? {}) as Record<string, string>;
}

function schemaAttrs(xml: string): Record<string, string> {
  const m = /<xs:schema\s([^>]*)>/.exec(xml);
  return Object.fromEntries([...(m?.[1] ?? '').matchAll(/([\w:]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
}

const qa = renderWsdl('qa', 'http://localhost:8080/met-ws/services/');
const prod = renderWsdl('prod', 'https://met.example.test/met-ws/services/');

t.test('identity: namespace, beans prefix, names, SOAP 1.1 document/literal, empty soapAction', async (t) => {
  for (const [label, wsdl] of [['qa', qa], ['prod', prod]] as const) {
    t.equal(rootAttrs(wsdl)['targetNamespace'], 'http://ws.web.mec.sep.mx/schemas', label);
    t.equal(rootAttrs(wsdl)['xmlns:soap'], 'http://schemas.xmlsoap.org/wsdl/soap/', `${label}: SOAP 1.1 binding namespace`);
    const schema = schemaAttrs(wsdl);
    t.equal(schema['xmlns:min'], 'http://ws.web.mec.sep.mx/schemas/beans', `${label}: the unused min: prefix SEP declares`);
    t.equal(schema['elementFormDefault'], 'qualified');
    t.equal(schema['attributeFormDefault'], 'unqualified');
    const sig = signature(wsdl);
    t.ok(sig.includes('wsdl:portType  name=TitulosPortType'), `${label}: portType`);
    t.ok(sig.includes('wsdl:binding  name=TitulosPortTypeSoap11 type=tns:TitulosPortType'), `${label}: binding`);
    t.ok(sig.includes('soap:binding TitulosPortTypeSoap11 style=document transport=http://schemas.xmlsoap.org/soap/http'));
    t.ok(sig.includes('wsdl:service  name=TitulosPortTypeService'));
    t.ok(sig.includes('wsdl:port TitulosPortTypeService binding=tns:TitulosPortTypeSoap11 name=TitulosPortTypeSoap11'));
    const actions = [...wsdl.matchAll(/<soap:operation soapAction="([^"]*)"\/>/g)].map((m) => m[1]);
    t.ok(actions.length >= 4 && actions.every((a) => a === ''), `${label}: soapAction="" everywhere`);
    t.notOk(wsdl.includes('{{'), 'placeholder replaced');
    t.match(wsdl, /use="literal"/);
  }
  t.match(qa, '<soap:address location="http://localhost:8080/met-ws/services/"/>');
  t.match(prod, '<soap:address location="https://met.example.test/met-ws/services/"/>');
});

t.test('types SEP declares', async (t) => {
  const sig = signature(prod);
  for (const line of [
    'xs:minLength cargaTituloElectronicoRequest/nombreArchivo value=2',
    'xs:maxLength cargaTituloElectronicoRequest/nombreArchivo value=100',
    'xs:element cargaTituloElectronicoRequest name=archivoBase64 type=xs:base64Binary',
    'xs:element consultaProcesoTituloElectronicoRequest name=numeroLote type=xs:integer',
    'xs:element consultaProcesoTituloElectronicoResponse name=estatusLote type=xs:short',
    'xs:element consultaProcesoTituloElectronicoResponse minOccurs=0 name=mensaje type=xs:string',
    'xs:element descargaTituloElectronicoResponse name=titulosBase64 type=xs:base64Binary',
    'xs:element cancelaTituloElectronicoResponse name=codigo type=xs:int',
    'xs:element autenticacionType name=usuario type=xs:string',
  ]) t.ok(sig.includes(line), line);
});

t.test('production has the one-way cancelarTituloInstitucion; QA lacks it', async (t) => {
  t.notMatch(qa, 'cancelarTituloInstitucion');
  const sig = signature(prod);
  for (const line of [
    'xs:element cancelarTituloInstitucionRequest name=folioControl type=xs:string',
    'xs:element cancelarTituloInstitucionRequest name=cveInstitucion type=xs:string',
    'xs:element cancelarTituloInstitucionRequest name=motCancelacion type=xs:string',
    'xs:element cancelarTituloInstitucionRequest name=autenticacion type=ws:autenticacionType',
    'wsdl:part cancelarTituloInstitucionRequest element=tns:cancelarTituloInstitucionRequest name=cancelarTituloInstitucionRequest',
    'wsdl:input TitulosPortType/cancelarTituloInstitucion message=tns:cancelarTituloInstitucionRequest name=cancelarTituloInstitucionRequest',
  ]) t.ok(sig.includes(line), line);
  t.notOk(sig.some((l) => l.startsWith('wsdl:output') && l.includes('cancelarTituloInstitucion')), 'no output: one-way');
  const order = sig.filter((l) => l.startsWith('xs:element cancelarTituloInstitucionRequest')).map((l) => /name=(\w+)/.exec(l)?.[1]);
  t.same(order, ['folioControl', 'cveInstitucion', 'motCancelacion', 'autenticacion']);
});

t.test("every name, type and operation in SEP's reference WSDL matches ours", { skip: !existsSync(SEP_WSDL) && 'reference WSDL not present' }, async (t) => {
  const sep = readFileSync(SEP_WSDL, 'utf8');
  const sepSig = signature(sep);
  t.ok(sepSig.length > 50, 'the reference parsed');
  // SEP's reference copy has the four operations: our QA variant must be the same contract, line for line.
  t.same(signature(qa), sepSig);
  // Production = the same plus cancelarTituloInstitucion.
  t.same(signature(prod).filter((l) => !l.includes('cancelarTituloInstitucion')), sepSig);
  t.same(rootAttrs(qa), { ...rootAttrs(sep) });
  t.same(schemaAttrs(qa), schemaAttrs(sep));
});

t.test('the template is the file under schemas/met and soapAddress sanitises the Host header', async (t) => {
  t.match(wsdlTemplate('prod'), '{{SOAP_ADDRESS}}');
  t.equal(soapAddress('https', 'met.sep.gob.mx:443'), 'https://met.sep.gob.mx:443/met-ws/services/');
  t.equal(soapAddress('http', '[::1]:3000'), 'http://[::1]:3000/met-ws/services/');
  t.equal(soapAddress('javascript', 'evil"><x'), 'http://localhost/met-ws/services/');
  t.match(renderWsdl('qa', 'http://a/"<&'), 'location="http://a/&#34;&#60;&#38;"');
});
