import t from 'tap';
import { CEDULA_ANTECEDENTE_IDS } from '../../../src/domain/titulos/rules.js';
import { DEFAULT_PROFESIONISTA, addDays, removeAttribute, setAttribute } from '../../support/titulo-fixture.js';
import { TODAY, assertOnly, build, context, errorCodes, mintSigner, run } from './setup.js';

const signer = mintSigner();
const base = build([signer]);
const ctx = context([signer]);
const FECHA_EXAMEN = addDays(TODAY, -30);
const FECHA_EXPEDICION = addDays(TODAY, -1);

const edit = (...steps: ((r: typeof base.root) => typeof base.root)[]) => base.resign(steps.reduce((r, step) => step(r), base.root));
const set = (path: string, name: string, value: string) => (r: typeof base.root) => setAttribute(r, path, name, value);
const remove = (path: string, name: string) => (r: typeof base.root) => removeAttribute(r, path, name);
const check = (root: typeof base.root, code: string) => run(root, ctx).checks.filter((c) => c.code === code);

t.test('exam or exemption date: neither, the wrong one, the right one', async (t) => {
  assertOnly(t, run(edit(remove('Expedicion', 'fechaExamenProfesional')), ctx), 'TIT-FECHA-EXAMEN', 'Atributo requerido no encontrado en el nodo Expedicion: fechaExamenProfesional');

  const promedio = [set('Expedicion', 'idModalidadTitulacion', '2'), set('Expedicion', 'modalidadTitulacion', 'POR PROMEDIO')];
  const wrong = assertOnly(t, run(edit(...promedio), ctx), 'TIT-FECHA-EXAMEN', `Fecha de examen profesional no válida en el nodo Expedicion: ${FECHA_EXAMEN}`);
  t.equal(wrong.attribute, 'fechaExamenProfesional');

  const right = edit(...promedio, remove('Expedicion', 'fechaExamenProfesional'), set('Expedicion', 'fechaExencionExamenProfesional', FECHA_EXAMEN));
  t.same(errorCodes(run(right, ctx).checks), []);

  const emptyOther = edit(set('Expedicion', 'fechaExencionExamenProfesional', ''));
  t.same(errorCodes(run(emptyOther, ctx).checks), [], 'the other date written empty counts as absent');
});

t.test('an unknown modalidad still needs exactly one date', async (t) => {
  const both = run(edit(set('Expedicion', 'idModalidadTitulacion', '9'), set('Expedicion', 'fechaExencionExamenProfesional', FECHA_EXAMEN)), ctx);
  t.same(errorCodes(both.checks), ['TIT-CAT-MODALIDAD', 'TIT-FECHA-EXAMEN']);
  const neither = run(edit(set('Expedicion', 'idModalidadTitulacion', '9'), remove('Expedicion', 'fechaExamenProfesional')), ctx);
  t.same(errorCodes(neither.checks), ['TIT-CAT-MODALIDAD', 'TIT-FECHA-EXAMEN']);
});

t.test('numeroRvoe: required for RVOE estatal too, optional for other authorizations', async (t) => {
  const estatal = edit(set('Carrera', 'idAutorizacionReconocimiento', '2'), set('Carrera', 'autorizacionReconocimiento', 'RVOE ESTATAL'), remove('Carrera', 'numeroRvoe'));
  assertOnly(t, run(estatal, ctx), 'TIT-RVOE', 'Atributo requerido no encontrado en el nodo Carrera: numeroRvoe');
  const acta = edit(set('Carrera', 'idAutorizacionReconocimiento', '5'), set('Carrera', 'autorizacionReconocimiento', 'ACTA DE SESIÓN'), remove('Carrera', 'numeroRvoe'));
  t.same(errorCodes(run(acta, ctx).checks), []);
  t.equal(check(acta, 'TIT-RVOE')[0]?.status, 'ok');
});

t.test('noCedula: the id set is MAESTRÍA and LICENCIATURA', async (t) => {
  t.same([...CEDULA_ANTECEDENTE_IDS].sort(), ['1', '2']);
  const maestria = [set('Antecedente', 'idTipoEstudioAntecedente', '1'), set('Antecedente', 'tipoEstudioAntecedente', 'MAESTRÍA')];
  assertOnly(t, run(edit(...maestria), ctx), 'TIT-CEDULA', 'Atributo requerido no encontrado en el nodo Antecedente: noCedula');
  t.same(errorCodes(run(edit(...maestria, set('Antecedente', 'noCedula', '12345678')), ctx).checks), []);
  const tsu = edit(set('Antecedente', 'idTipoEstudioAntecedente', '3'), set('Antecedente', 'tipoEstudioAntecedente', 'TÉCNICO SUPERIOR UNIVERSITARIO'));
  t.same(errorCodes(run(tsu, ctx).checks), []);
});

t.test('date order: each pair that must hold', async (t) => {
  const carreraFin = base.values.carrera['fechaTerminacion'] as string;
  const antecedenteFin = base.values.antecedente['fechaTerminacion'] as string;

  const carrera = assertOnly(
    t,
    run(edit(set('Carrera', 'fechaInicio', addDays(carreraFin, 1))), ctx),
    'TIT-DATE-ORDER',
    `Fecha de terminación no válida en el nodo Carrera: ${carreraFin}`,
  );
  t.equal(carrera.expected, `≥ ${addDays(carreraFin, 1)} (Carrera/@fechaInicio)`);

  assertOnly(
    t,
    run(edit(set('Antecedente', 'fechaInicio', addDays(antecedenteFin, 1))), ctx),
    'TIT-DATE-ORDER',
    `Fecha de terminación no válida en el nodo Antecedente: ${antecedenteFin}`,
  );

  const exencion = edit(
    set('Expedicion', 'idModalidadTitulacion', '5'),
    set('Expedicion', 'modalidadTitulacion', 'POR CENEVAL'),
    remove('Expedicion', 'fechaExamenProfesional'),
    set('Expedicion', 'fechaExencionExamenProfesional', TODAY),
  );
  const afterExpedicion = assertOnly(t, run(exencion, ctx), 'TIT-DATE-ORDER', `Fecha de expedición no válida en el nodo Expedicion: ${FECHA_EXPEDICION}`);
  t.match(afterExpedicion.expected, 'Expedicion/@fechaExencionExamenProfesional');

  const carreraAfter = edit(set('Carrera', 'fechaTerminacion', TODAY), set('Expedicion', 'fechaExamenProfesional', addDays(TODAY, -2)));
  const r = assertOnly(t, run(carreraAfter, ctx), 'TIT-DATE-ORDER', `Fecha de expedición no válida en el nodo Expedicion: ${FECHA_EXPEDICION}`);
  t.match(r.expected, 'Carrera/@fechaTerminacion');

  const sameDay = edit(set('Expedicion', 'fechaExamenProfesional', FECHA_EXPEDICION), set('Carrera', 'fechaTerminacion', FECHA_EXPEDICION));
  t.same(errorCodes(run(sameDay, ctx).checks), [], 'equal dates are in order');
});

t.test('an antecedent ending after the carrera starts is only a warning', async (t) => {
  const carreraInicio = base.values.carrera['fechaInicio'] as string;
  const outcome = run(edit(set('Antecedente', 'fechaTerminacion', addDays(carreraInicio, 10))), ctx);
  t.same(errorCodes(outcome.checks), []);
  const warning = outcome.checks.find((c) => c.status === 'warning');
  t.equal(warning?.code, 'TIT-DATE-ORDER');
  t.equal(warning?.node, 'Antecedente');
});

t.test('fechaExpedicion equal to today is not in the future', async (t) => {
  t.same(errorCodes(run(edit(set('Expedicion', 'fechaExpedicion', TODAY)), ctx).checks), []);
  const r = assertOnly(t, run(edit(set('Expedicion', 'fechaExpedicion', addDays(TODAY, 1))), ctx), 'TIT-EXPEDICION-FUTURA', `Fecha de expedición no válida en el nodo Expedicion: ${addDays(TODAY, 1)}`);
  t.equal(r.expected, `≤ ${TODAY}`);
});

t.test('institution of the credentials', async (t) => {
  const r = assertOnly(t, run(base.root, context([signer], { cveInstitucion: '140349' })), 'TIT-INSTITUCION', 'Clave de institución no válida en el nodo Institucion: 090001');
  t.equal(r.expected, '140349');
  t.equal(r.found, '090001');
});

t.test('RENAPO compares each name part exactly and shows the registry spelling', async (t) => {
  const accent = assertOnly(
    t,
    run(edit(set('Profesionista', 'primerApellido', 'PÉREZ')), ctx),
    'TIT-RENAPO-NOMBRE',
    'Validación RENAPO, nombre no válido en el nodo Profesionista: JUAN',
  );
  t.equal(accent.attribute, 'primerApellido');
  t.equal(accent.expected, 'PEREZ');
  t.equal(accent.found, 'PÉREZ');

  const doubleSpace = run(edit(set('Profesionista', 'nombre', 'JUAN  CARLOS')), context([signer], { renapo: new Map([[DEFAULT_PROFESIONISTA.curp, { ...DEFAULT_PROFESIONISTA, nombre: 'JUAN CARLOS' }]]) }));
  assertOnly(t, doubleSpace, 'TIT-RENAPO-NOMBRE', 'Validación RENAPO, nombre no válido en el nodo Profesionista: JUAN  CARLOS');

  const noSegundo = run(edit(remove('Profesionista', 'segundoApellido')), context([signer], { renapo: new Map([[DEFAULT_PROFESIONISTA.curp, { ...DEFAULT_PROFESIONISTA, segundoApellido: '' }]]) }));
  t.same(errorCodes(noSegundo.checks), [], 'an absent segundoApellido matches an empty one in RENAPO');
});

t.test('RENAPO: an unknown CURP skips the name; RENAPO off skips both', async (t) => {
  const unknown = run(base.root, context([signer], { renapo: new Map() }));
  t.equal(unknown.checks.find((c) => c.code === 'TIT-RENAPO-NOMBRE')?.status, 'skipped');
  const off = run(base.root, context([signer], { renapo: null }));
  t.same(errorCodes(off.checks), []);
  t.same(off.checks.filter((c) => c.code.startsWith('TIT-RENAPO')).map((c) => c.status), ['skipped', 'skipped']);
  const notLooked = run(base.root, context([signer], { renapo: new Map() }));
  t.equal(notLooked.checks.find((c) => c.code === 'TIT-RENAPO-CURP')?.found, DEFAULT_PROFESIONISTA.curp);
});

t.test('folio states: free, registered, registered in this lote', async (t) => {
  const statuses = (state: 'free' | 'registered' | 'registered-in-lote') =>
    run(base.root, context([signer], { folios: { 'FC-000001': state } })).checks.filter((c) => c.code.startsWith('TIT-FOLIO')).map((c) => `${c.code}:${c.status}`);
  t.same(statuses('free'), ['TIT-FOLIO-REGISTRADO:ok', 'TIT-FOLIO-LOTE:ok']);
  t.same(statuses('registered'), ['TIT-FOLIO-REGISTRADO:error', 'TIT-FOLIO-LOTE:skipped']);
  t.same(statuses('registered-in-lote'), ['TIT-FOLIO-REGISTRADO:ok', 'TIT-FOLIO-LOTE:error']);
  const other = run(base.root, context([signer], { folios: { 'FC-000002': 'registered' } }));
  t.same(errorCodes(other.checks), [], 'only this folio counts');
});
