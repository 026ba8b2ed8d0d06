import t from 'tap';
import { cadenaAutenticacion, cadenaOriginal, cadenaParts, cadenaForSigner, escapeCadenaValue, type CadenaTitulo } from '../../../src/domain/titulos/cadena.js';

// SEP's own example cadena, published in the standard (spec met-titulos.md §3.2; fictitious data).
const SEP_EXAMPLE =
  '||1.0|2345678|EICA750212HDFRNL01|3|RECTOR|LIC.|010033|UNIVERSIDAD TECNOLÓGICA DE AGUASCALIENTES|103339|INGENIERÍA EN NANOTECNOLOGÍA|2004-08-16|2009-06-12|5|ACTA DE SESIÓN||AICA770112HDFRNL01|ANTONIO|ALPIZAR|CASTRO|antonio.alpizar@gmail.com|2011-08-10|1|POR TESIS|2010-08-16||1|2|ART. 55 LRART. 5 CONST|09|CIUDAD DE MÉXICO|C.E.T.I.S. NO. 80|4|BACHILLERATO|09|CIUDAD DE MÉXICO|2000-06-12|2003-08-12|||';

// The same values as a model: numeroRvoe, fechaExencionExamenProfesional and noCedula are absent.
const example: CadenaTitulo = {
  version: '1.0',
  folioControl: '2345678',
  institucion: { cveInstitucion: '010033', nombreInstitucion: 'UNIVERSIDAD TECNOLÓGICA DE AGUASCALIENTES' },
  carrera: {
    cveCarrera: '103339',
    nombreCarrera: 'INGENIERÍA EN NANOTECNOLOGÍA',
    fechaInicio: '2004-08-16',
    fechaTerminacion: '2009-06-12',
    idAutorizacionReconocimiento: '5',
    autorizacionReconocimiento: 'ACTA DE SESIÓN',
    numeroRvoe: undefined,
  },
  profesionista: {
    curp: 'AICA770112HDFRNL01',
    nombre: 'ANTONIO',
    primerApellido: 'ALPIZAR',
    segundoApellido: 'CASTRO',
    correoElectronico: 'antonio.alpizar@gmail.com',
  },
  expedicion: {
    fechaExpedicion: '2011-08-10',
    idModalidadTitulacion: '1',
    modalidadTitulacion: 'POR TESIS',
    fechaExamenProfesional: '2010-08-16',
    fechaExencionExamenProfesional: undefined,
    cumplioServicioSocial: '1',
    idFundamentoLegalServicioSocial: '2',
    fundamentoLegalServicioSocial: 'ART. 55 LRART. 5 CONST',
    idEntidadFederativa: '09',
    entidadFederativa: 'CIUDAD DE MÉXICO',
  },
  antecedente: {
    institucionProcedencia: 'C.E.T.I.S. NO. 80',
    idTipoEstudioAntecedente: '4',
    tipoEstudioAntecedente: 'BACHILLERATO',
    idEntidadFederativa: '09',
    entidadFederativa: 'CIUDAD DE MÉXICO',
    fechaInicio: '2000-06-12',
    fechaTerminacion: '2003-08-12',
    noCedula: undefined,
  },
};
const rector = { curp: 'EICA750212HDFRNL01', idCargo: '3', cargo: 'RECTOR', abrTitulo: 'LIC.' };

t.test("SEP's example cadena is rebuilt byte for byte", async (t) => {
  const cadena = cadenaOriginal(example, rector);
  t.equal(cadena, SEP_EXAMPLE);
  t.same(Buffer.from(cadena, 'utf8'), Buffer.from(SEP_EXAMPLE, 'utf8'));
  // 38 fields between the `||` frames.
  t.equal(cadena.slice(2, -2).split('|').length, 38);
});

t.test('an attribute written empty gives the same cadena as an absent one', async (t) => {
  const written = { ...example, carrera: { ...example.carrera, numeroRvoe: '' }, antecedente: { ...example.antecedente, noCedula: '' } };
  t.equal(cadenaOriginal(written, { ...rector }), SEP_EXAMPLE);
  t.equal(cadenaOriginal(example, { ...rector, abrTitulo: undefined }), SEP_EXAMPLE.replace('|RECTOR|LIC.|', '|RECTOR||'));
});

t.test('values go in exactly as written: no trimming, no case or accent changes', async (t) => {
  const cadena = cadenaOriginal({ ...example, profesionista: { ...example.profesionista, nombre: ' Antonio  ' } }, rector);
  t.match(cadena, '|AICA770112HDFRNL01| Antonio  |ALPIZAR|');
});

t.test('one cadena per signer: only positions 3 to 6 differ', async (t) => {
  const parts = cadenaParts(example, false);
  const other = cadenaForSigner(parts, { curp: 'GALR900101MDFRPS09', idCargo: '5', cargo: 'RESPONSABLE DE EXPEDICIÓN', abrTitulo: undefined });
  const a = cadenaForSigner(parts, rector).slice(2, -2).split('|');
  const b = other.slice(2, -2).split('|');
  const differing = a.flatMap((v, i) => (v === b[i] ? [] : [i + 1]));
  t.same(differing, [3, 4, 5, 6]);
  t.equal(cadenaForSigner(parts, rector), SEP_EXAMPLE);
});

t.test('XML escaping of & " < > is applied only when asked', async (t) => {
  const institucion = { cveInstitucion: '010033', nombreInstitucion: 'ESCUELA "A" & <B>' };
  const raw = cadenaOriginal({ ...example, institucion }, rector, false);
  const escaped = cadenaOriginal({ ...example, institucion }, rector, true);
  t.match(raw, '|010033|ESCUELA "A" & <B>|103339|');
  t.match(escaped, '|010033|ESCUELA &quot;A&quot; &amp; &lt;B&gt;|103339|');
  t.equal(escapeCadenaValue("O'HIGGINS"), "O'HIGGINS", 'the apostrophe is left alone');
  t.equal(cadenaOriginal(example, rector, true), SEP_EXAMPLE, 'nothing to escape: same cadena');
});

t.test('the Autenticacion cadena follows §3.7', async (t) => {
  const cadena = cadenaAutenticacion({
    version: '1.0',
    folioDigital: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    fechaAutenticacion: '2017-12-17T09:30:47Z',
    selloTitulo: 'SELLO1SELLO2',
    noCertificadoAutoridad: '00001000000412376899',
  });
  t.equal(cadena, '||1.0|a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d|2017-12-17T09:30:47Z|SELLO1SELLO2|00001000000412376899||');
});
