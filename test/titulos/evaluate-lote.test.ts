import t from 'tap';
import { rootStartTagAttribute, scanLote } from '../../src/titulos/evaluate-lote.js';
import { DEFAULT_XML_LIMITS } from '../../src/intake/xml.js';

const doc = (head: string) => Buffer.from(`${head}<Carrera/></TituloElectronico>`);

t.test('the root folioControl is read from the start tag alone', async (t) => {
  t.equal(rootStartTagAttribute(doc('<?xml version="1.0" encoding="UTF-8"?>\n<!-- c -->\n<TituloElectronico xmlns="x" version="1.0" folioControl="F-1">'), 'folioControl'), 'F-1');
  t.equal(rootStartTagAttribute(doc("\uFEFF<TituloElectronico folioControl='Ñ-2' version='1.0'>"), 'folioControl'), 'Ñ-2', 'BOM, single quotes, UTF-8');
  t.equal(rootStartTagAttribute(doc('<TituloElectronico version="1.0">'), 'folioControl'), undefined, 'absent');
  t.equal(rootStartTagAttribute(doc('<TituloElectronico folioControl="A&amp;B">'), 'folioControl'), undefined, 'entities: left to the full parser');
  t.equal(rootStartTagAttribute(Buffer.from('not xml'), 'folioControl'), undefined);
  t.equal(rootStartTagAttribute(doc('<TituloElectronico foliocontrol="x" xfolioControl="y">'), 'folioControl'), undefined, 'exact attribute names only');
});

t.test('scanLote finds folios, and CURPs only when asked', async (t) => {
  const entries = [
    { name: 'a.xml', bytes: Buffer.from('<TituloElectronico folioControl="A"><Profesionista curp="C1"/></TituloElectronico>') },
    { name: 'b.xml', bytes: Buffer.from('<TituloElectronico folioControl="B&amp;B"><Profesionista curp="C2"/></TituloElectronico>') },
    { name: 'c.xml', bytes: Buffer.from('<broken') },
  ];
  t.same(scanLote(entries, DEFAULT_XML_LIMITS, false), { folios: ['A', 'B&B'], curps: [] });
  t.same(scanLote(entries, DEFAULT_XML_LIMITS, true), { folios: ['A', 'B&B'], curps: ['C1', 'C2'] });
});
