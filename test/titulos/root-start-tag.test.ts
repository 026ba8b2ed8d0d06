import t from 'tap';
import { rootStartTagAttribute } from '../../src/titulos/evaluate-lote.js';

const doc = (head: string, body = '<Carrera/>'.repeat(200)) => Buffer.from(`${head}${body}</TituloElectronico>`);

t.test('a root start tag read past the first KiB reads the same as within it', async (t) => {
  const long = 'x'.repeat(1500);
  t.equal(rootStartTagAttribute(doc(`<TituloElectronico version="1.0" nota="${long}" folioControl="F-1">`), 'folioControl'), 'F-1', 'tag crosses 1 KiB');
  t.equal(rootStartTagAttribute(doc(`<TituloElectronico nota="a>b${long}" folioControl="F-2">`), 'folioControl'), 'F-2', "a '>' inside a value before the cut");
  t.equal(rootStartTagAttribute(doc(`<?xml version="1.0"?><!-- ${long} --><TituloElectronico folioControl="F-3">`), 'folioControl'), 'F-3', 'comment past 1 KiB');
  t.equal(rootStartTagAttribute(doc(`<?pi ${long}?><TituloElectronico folioControl="F-4">`), 'folioControl'), 'F-4', 'processing instruction past 1 KiB');
  t.equal(rootStartTagAttribute(doc(`<TituloElectronico folioControl="${'é'.repeat(600)}">`), 'folioControl'), 'é'.repeat(600), 'a UTF-8 character cut at 1 KiB');
  t.equal(rootStartTagAttribute(doc(`<TituloElectronico version="1.0" nota="${long}">`), 'folioControl'), undefined, 'absent');
  t.equal(rootStartTagAttribute(doc(`<TituloElectronico folioControl="A&amp;B" nota="${long}">`), 'folioControl'), undefined, 'entities: left to the full parser');
  t.equal(rootStartTagAttribute(doc(`<TituloElectronico nota="${'y'.repeat(17 * 1024)}" folioControl="F-5">`), 'folioControl'), undefined, 'past 16 KiB: left to the full parser');
});
