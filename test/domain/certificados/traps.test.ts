/**
 * What institutions get wrong (spec mec-certificados.md §5), each against the one valid DEC: the
 * number formats, the average, TOTAL vs PARCIAL, idEntidad, dates, folio length, structural typos,
 * EXTRANJERO, version 2.0, the expedition window and an expired campus e.firma.
 */
import t from 'tap';
import { errorsOf, sepMessageOf } from '../../../src/domain/checks.js';
import type { XmlElement } from '../../../src/intake/xml-tree.js';
import {
  addDays,
  decForPlan,
  defaultPlan,
  getAttribute,
  renameAttribute,
  setAttribute,
  updateElement,
} from '../../support/dec-fixture.js';
import { TODAY, assertOnly, build, context, errorCodes, mintSigner, run } from './setup.js';

const signer = mintSigner();
const base = build(signer);
const ctx = context(signer);
const resign = (root: XmlElement): XmlElement => base.resign(root);

t.test('#2 grades: 10.00 is refused unless the option accepts it; 10 is right', async (t) => {
  t.equal(getAttribute(base.root, 'Asignatura[3]', 'calificacion'), '10');
  const root = resign(setAttribute(base.root, 'Asignatura[3]', 'calificacion', '10.00'));
  const r = assertOnly(t, run(root, ctx), 'DEC-GRADE-FORMAT', 'Calificación no válida en el nodo Asignatura: 10.00');
  t.equal(r.node, 'Asignatura[3]');
  t.equal(r.expected, 'two decimals (9.00); 10 without decimals');
  t.same(errorCodes(run(root, context(signer, { options: { acceptTenWithDecimals: true } })).checks), [], 'accepted with acceptTenWithDecimals');
});

t.test('#2 grades: one decimal (9.5) is refused, its value still counts', async (t) => {
  t.equal(getAttribute(base.root, 'Asignatura[7]', 'calificacion'), '9.50');
  const root = resign(setAttribute(base.root, 'Asignatura[7]', 'calificacion', '9.5'));
  assertOnly(t, run(root, ctx), 'DEC-GRADE-FORMAT', 'Calificación no válida en el nodo Asignatura: 9.5');
  const nine = resign(setAttribute(base.root, 'Asignatura[1]', 'calificacion', '9'));
  assertOnly(t, run(nine, ctx), 'DEC-GRADE-FORMAT', 'Calificación no válida en el nodo Asignatura: 9');
});

t.test('#6 average: rounded instead of truncated, and the complementaria counted', async (t) => {
  t.equal(getAttribute(base.root, 'Asignaturas', 'promedio'), '8.55', 'nine grades summing 77.00: 8.5555… truncated');
  const rounded = assertOnly(t, run(resign(setAttribute(base.root, 'Asignaturas', 'promedio', '8.56')), ctx), 'DEC-PROMEDIO', 'Promedio no válido en el nodo Asignaturas: 8.56');
  t.equal(rounded.expected, '8.55');
  const withComplementaria = assertOnly(t, run(resign(setAttribute(base.root, 'Asignaturas', 'promedio', '8.70')), ctx), 'DEC-PROMEDIO', 'Promedio no válido en el nodo Asignaturas: 8.70');
  t.equal(withComplementaria.expected, '8.55');
  t.match(withComplementaria.explanation, 'mean of 9 grade(s) without complementarias');
  const moreDecimals = run(resign(setAttribute(base.root, 'Asignaturas', 'promedio', '8.550')), ctx);
  t.same(errorCodes(moreDecimals.checks), ['DEC-GRADE-FORMAT'], '8.550 has the right value but not the right writing');
});

t.test('#6 average: a perfect average is written 10', async (t) => {
  const plan = defaultPlan();
  const grades = Object.fromEntries([...plan.asignaturas.keys()].map((id) => [id, '10']));
  const perfect = build(signer, { grades });
  t.equal(getAttribute(perfect.root, 'Asignaturas', 'promedio'), '10');
  t.same(errorCodes(run(perfect.root, ctx).checks), []);
  const written = perfect.resign(setAttribute(perfect.root, 'Asignaturas', 'promedio', '10.00'));
  assertOnly(t, run(written, ctx), 'DEC-GRADE-FORMAT', 'Promedio no válido en el nodo Asignaturas: 10.00');
});

t.test('#7 TOTAL with a missing subject is refused; the same as PARCIAL passes', async (t) => {
  const total = build(signer, { omit: ['317'], idTipoCertificacion: '79' });
  const r = assertOnly(t, run(total.root, ctx), 'DEC-CERTIFICADO-TOTAL', 'Identificador de tipo de certificación no válido en el nodo Expedicion: 79');
  t.equal(r.found, 'missing idAsignatura 317');
  const parcial = build(signer, { omit: ['317'] });
  t.equal(getAttribute(parcial.root, 'Expedicion', 'idTipoCertificacion'), '80');
  t.same(errorCodes(run(parcial.root, ctx).checks), []);
});

t.test('#7 TOTAL with every subject but one failed: the credits are short', async (t) => {
  const total = build(signer, { grades: { '316': '5.00' }, idTipoCertificacion: '79' });
  t.equal(getAttribute(total.root, 'Asignaturas', 'creditosObtenidos'), '61.25', 'the failed 7.50 credits are not earned');
  const r = assertOnly(t, run(total.root, ctx), 'DEC-CERTIFICADO-TOTAL', 'Identificador de tipo de certificación no válido en el nodo Expedicion: 79');
  t.equal(r.found, '61.25');
});

t.test('#3 idEntidad written as the state code', async (t) => {
  const root = resign(setAttribute(base.root, 'ServicioFirmante', 'idEntidad', '15'));
  const r = assertOnly(t, run(root, ctx), 'DEC-SERVICIO-FIRMANTE', 'Identificador de entidad no válido en el nodo ServicioFirmante: 15');
  t.equal(r.expected, '20585');
});

t.test('#3 S15: idEntidad wrong in the XML but right in the signed cadena', async (t) => {
  const root = setAttribute(base.root, 'ServicioFirmante', 'idEntidad', '30');
  const outcome = run(root, ctx);
  t.same(errorCodes(outcome.checks), ['DEC-FIRMA-SELLO', 'DEC-SERVICIO-FIRMANTE']);
  t.equal(sepMessageOf(outcome.checks), 'Identificador de entidad no válido en el nodo ServicioFirmante: 30');
});

t.test('#4 dates: no T00:00:00, a 12-hour clock, a zone, a locale format', async (t) => {
  const fecha = addDays(TODAY, -2);
  for (const written of [fecha, `${fecha}T12:00:00`, `${fecha}T00:00:00Z`, `${fecha}T00:00:00-06:00`, '14/06/2025 12:00:00 a. m.', `${fecha}T00:00:00.000`]) {
    const outcome = run(resign(setAttribute(base.root, 'Expedicion', 'fecha', written)), ctx);
    assertOnly(t, outcome, 'DEC-DATE-FORMAT', `Fecha de expedición no válida en el nodo Expedicion: ${written}`);
    t.equal(outcome.checks.find((c) => c.code === 'DEC-EXPEDICION-FECHA')?.status, 'skipped', `${written}: the window is not judged`);
  }
  const impossible = run(resign(setAttribute(base.root, 'Rvoe', 'fechaExpedicion', '2014-02-30T00:00:00')), ctx);
  assertOnly(t, impossible, 'DEC-DATE-FORMAT', 'Fecha de expedición del RVOE no válida en el nodo Rvoe: 2014-02-30T00:00:00');
});

t.test('#13 folioControl: 40 characters pass, 41 do not', async (t) => {
  t.same(errorCodes(run(setAttribute(base.root, 'Dec', 'folioControl', 'F'.repeat(40)), ctx).checks), []);
  const r = assertOnly(t, run(setAttribute(base.root, 'Dec', 'folioControl', 'F'.repeat(41)), ctx), 'DEC-FOLIO-FORMAT', `Folio de control no válido en el nodo Dec: ${'F'.repeat(41)}`);
  t.equal(r.expected, 'at most 40 characters');
  const accents = 'Ñ'.repeat(40);
  t.same(errorCodes(run(setAttribute(base.root, 'Dec', 'folioControl', accents), ctx).checks), [], 'characters, not UTF-8 bytes');
});

t.test('#11 <Asignaturas> written for each subject (S6)', async (t) => {
  const root = updateElement(base.root, 'Asignaturas', (el) => ({ ...el, children: el.children.map((c) => ({ ...c, name: 'Asignaturas' })) }));
  const outcome = run(root, ctx);
  t.same(errorCodes(outcome.checks), ['DEC-ELEMENT']);
  t.equal(sepMessageOf(outcome.checks), 'Nodo no válido en el nodo Asignaturas: Asignaturas');
  t.equal(errorsOf(outcome.checks).at(-1)?.sepMessage, 'Nodo requerido no encontrado en el nodo Asignaturas: Asignatura');
});

t.test('#11 IdAsignatura with a capital I (S6): one error, naming the right attribute', async (t) => {
  let root = base.root;
  for (let i = 1; i <= 10; i++) root = renameAttribute(root, `Asignatura[${i}]`, 'idAsignatura', 'IdAsignatura');
  const r = assertOnly(t, run(resign(root), ctx), 'DEC-ATTR-UNKNOWN', 'Atributo no permitido en el nodo Asignatura: IdAsignatura');
  t.equal(r.expected, 'idAsignatura');
  t.match(r.explanation, 'case-sensitive');
});

t.test('#11 Version with a capital V (S15): one error, and version is not judged', async (t) => {
  const outcome = run(resign(renameAttribute(base.root, 'Dec', 'version', 'Version')), ctx);
  const r = assertOnly(t, outcome, 'DEC-ATTR-UNKNOWN', 'Atributo no permitido en el nodo Dec: Version');
  t.equal(r.expected, 'version');
  t.equal(outcome.checks.find((c) => c.code === 'DEC-VERSION')?.status, 'skipped');
});

t.test('#12 EXTRANJERO is accepted as the student CURP', async (t) => {
  const root = resign(setAttribute(base.root, 'Alumno', 'curp', 'EXTRANJERO'));
  const outcome = run(root, ctx);
  t.same(errorCodes(outcome.checks), []);
  t.equal(outcome.alumno?.curp, 'EXTRANJERO');
  const responsable = resign(setAttribute(base.root, 'Responsable', 'curp', 'EXTRANJERO'));
  t.same(errorCodes(run(responsable, ctx).checks), ['DEC-CURP-FORMAT', 'DEC-FIRMA-CERT-CURP'], 'but never for the Responsable');
});

t.test('#1 version 2.0 is refused with the date it stopped being accepted, and nothing else is judged', async (t) => {
  const root = resign(setAttribute(base.root, 'Dec', 'version', '2.0'));
  const outcome = run(root, ctx);
  const message = 'Versión 2.0 no válida en el nodo Dec: la versión 2.0 dejó de aceptarse el 2021-05-24; genere el certificado con la versión 3.0';
  assertOnly(t, outcome, 'DEC-VERSION', message);
  t.same(outcome.checks.map((c) => c.code), ['DEC-ROOT', 'DEC-VERSION']);
  t.equal(outcome.folioControl, 'DEC-000001');

  // A real 2.0 layout: no ServicioFirmante, no numeroCiclos.
  let v2: XmlElement = { ...root, children: root.children.filter((c) => c.name !== 'ServicioFirmante') };
  v2 = updateElement(v2, 'Asignaturas', (el) => ({ ...el, attributes: el.attributes.filter((a) => a.name !== 'numeroCiclos') }));
  assertOnly(t, run(v2, ctx), 'DEC-VERSION', message);

  const since = run(root, context(signer, { options: { version20RefusedSince: '2020-01-01' } }));
  t.equal(sepMessageOf(since.checks), 'Versión 2.0 no válida en el nodo Dec: la versión 2.0 dejó de aceptarse el 2020-01-01; genere el certificado con la versión 3.0');
});

t.test('#5 the expedition window: 1 and 90 days before pass; 0, 91 and after do not', async (t) => {
  const at = (days: number) => run(resign(setAttribute(base.root, 'Expedicion', 'fecha', `${addDays(TODAY, -days)}T00:00:00`)), ctx);
  t.same(errorCodes(at(1).checks), []);
  t.same(errorCodes(at(90).checks), []);
  for (const days of [0, 91, -1]) {
    const fecha = `${addDays(TODAY, -days)}T00:00:00`;
    const r = assertOnly(t, at(days), 'DEC-EXPEDICION-FECHA', `Fecha de expedición no válida en el nodo Expedicion: ${fecha}`);
    t.equal(r.expected, `1 to 90 days before ${TODAY}`);
  }
  t.match(errorsOf(at(91).checks)[0]?.explanation, '91 day(s) before');
  t.match(errorsOf(at(-1).checks)[0]?.explanation, '1 day(s) after');
  const wide = context(signer, { options: { expedicionWindowDays: { min: 0, max: 120 } } });
  t.same(errorCodes(run(resign(setAttribute(base.root, 'Expedicion', 'fecha', `${TODAY}T00:00:00`)), wide).checks), [], 'the window is an option');
});

t.test('#9 an expired campus e.firma: the message says when and what to do', async (t) => {
  const expired = mintSigner({ notBefore: new Date('2021-01-01T00:00:00Z'), notAfter: new Date('2025-06-01T12:00:00Z') });
  const dec = decForPlan(defaultPlan(), { today: TODAY, credential: expired });
  const outcome = run(dec.root, context(expired));
  const vencida = 'La e.firma registrada para el campus 150840 venció el 2025-06-01; registre la e.firma vigente del responsable';
  t.same(errorCodes(outcome.checks), ['DEC-FIRMA-CAMPUS-VENCIDA', 'DEC-FIRMA-CERT-VIGENCIA'], 'also invalid on the expedition date');
  t.equal(sepMessageOf(outcome.checks), vencida, 'the registry problem comes first: it is what the institution must fix');

  const renewed = mintSigner({ curp: expired.curp, name: expired.name });
  const fresh = decForPlan(defaultPlan(), { today: TODAY, credential: renewed });
  assertOnly(t, run(fresh.root, context(expired)), 'DEC-FIRMA-CERT-REGISTRADO', `La e.firma del responsable no está registrada para el campus 150840: ${renewed.number}`);
  t.same(errorCodes(run(fresh.root, context(renewed)).checks), [], 'passes once the new e.firma is registered');
});

t.test('#14 observaciones: 103 warns by default and is refused by the current catalog; 106 is newer', async (t) => {
  const with103 = setAttribute(base.root, 'Asignatura[1]', 'idObservaciones', '103');
  const outcome = run(with103, ctx);
  t.same(errorCodes(outcome.checks), []);
  const warning = outcome.checks.find((c) => c.code === 'DEC-CAT-OBSERVACIONES' && c.status === 'warning');
  t.match(warning?.explanation, 'withdrawn');
  assertOnly(t, run(with103, context(signer, { options: { observacionesVersion: 'current' } })), 'DEC-CAT-OBSERVACIONES', 'Identificador de observaciones no válido en el nodo Asignatura: 103');

  const with106 = setAttribute(base.root, 'Asignatura[1]', 'idObservaciones', '106');
  t.same(errorCodes(run(with106, ctx).checks), []);
  t.same(errorCodes(run(with106, context(signer, { options: { observacionesVersion: 'current' } })).checks), []);
  assertOnly(t, run(with106, context(signer, { options: { observacionesVersion: 'without-newer' } })), 'DEC-CAT-OBSERVACIONES', 'Identificador de observaciones no válido en el nodo Asignatura: 106');

  const none = run(base.resign(updateElement(base.root, 'Asignatura[2]', (el) => ({ ...el, attributes: el.attributes.filter((a) => a.name !== 'idObservaciones') }))), ctx);
  t.same(errorCodes(none.checks), [], 'idObservaciones is optional');
  t.ok(none.checks.some((c) => c.code === 'DEC-CAT-OBSERVACIONES' && c.status === 'warning' && c.node === 'Asignatura[2]'), 'but warned');
});

t.test('tipoAsignatura: the catalog text, or the printed form with its asterisks', async (t) => {
  const last = 'Asignatura[10]';
  t.equal(getAttribute(base.root, last, 'idTipoAsignatura'), '266');
  t.same(errorCodes(run(setAttribute(base.root, last, 'tipoAsignatura', 'COMPLEMENTARIA'), ctx).checks), []);
  t.same(errorCodes(run(setAttribute(base.root, last, 'tipoAsignatura', '**COMPLEMENTARIA'), ctx).checks), []);
  assertOnly(t, run(setAttribute(base.root, last, 'tipoAsignatura', '*COMPLEMENTARIA'), ctx), 'DEC-CAT-TIPO-ASIGNATURA', 'Nombre de tipo de asignatura no válido en el nodo Asignatura: *COMPLEMENTARIA');
});

t.test('33 EXTRANJERO as lugar de expedición only with the option; never for the Ipes', async (t) => {
  const lugar = resign(setAttribute(setAttribute(base.root, 'Expedicion', 'idLugarExpedicion', '33'), 'Expedicion', 'lugarExpedicion', 'EXTRANJERO'));
  assertOnly(t, run(lugar, ctx), 'DEC-CAT-ENTIDAD', 'Identificador de lugar de expedición no válido en el nodo Expedicion: 33');
  t.same(errorCodes(run(lugar, context(signer, { options: { allowExtranjeroLugarExpedicion: true } })).checks), []);
  const one = resign(setAttribute(base.root, 'Expedicion', 'idLugarExpedicion', '9'));
  assertOnly(t, run(one, ctx), 'DEC-CAT-ENTIDAD', 'Identificador de lugar de expedición no válido en el nodo Expedicion: 9');
});

t.test('numeroCiclos: distinct cycles by default, the plan cycles by option', async (t) => {
  const plan = defaultPlan({ numeroCiclos: 9 });
  const planCtx = context(signer, { plans: [plan] });
  const distinct = decForPlan(plan, { today: TODAY, credential: signer });
  t.equal(getAttribute(distinct.root, 'Asignaturas', 'numeroCiclos'), '9');
  const partial = decForPlan(plan, { today: TODAY, credential: signer, omit: ['324'] });
  t.equal(getAttribute(partial.root, 'Asignaturas', 'numeroCiclos'), '8', 'the last cycle has one subject');
  t.same(errorCodes(run(partial.root, planCtx).checks), []);
  const byPlan = context(signer, { plans: [plan], options: { numeroCiclosRule: 'plan' } });
  assertOnly(t, run(partial.root, byPlan), 'DEC-NUMERO-CICLOS', 'Número de ciclos no válido en el nodo Asignaturas: 8');
  const planCounted = decForPlan(plan, { today: TODAY, credential: signer, omit: ['324'], numeroCiclosRule: 'plan' });
  t.same(errorCodes(run(planCounted.root, byPlan).checks), []);
});

t.test('idAsignatura with a leading zero is refused, and is not the registered subject', async (t) => {
  const root = resign(setAttribute(base.root, 'Asignatura[1]', 'idAsignatura', '0315'));
  const outcome = run(root, ctx);
  t.same(errorCodes(outcome.checks), ['DEC-ASIGNATURA-PLAN', 'DEC-CERTIFICADO-TOTAL', 'DEC-INTEGER-FORMAT']);
  t.equal(sepMessageOf(outcome.checks), 'Identificador de asignatura no válido en el nodo Asignatura: 0315');
});

t.test('a student too old, and a birth date after the authentication date', async (t) => {
  assertOnly(t, run(resign(setAttribute(base.root, 'Alumno', 'fechaNacimiento', '1920-01-01T00:00:00')), ctx), 'DEC-FECHA-NACIMIENTO', 'Fecha de nacimiento no válida en el nodo Alumno: 1920-01-01T00:00:00');
  const future = assertOnly(t, run(resign(setAttribute(base.root, 'Alumno', 'fechaNacimiento', `${addDays(TODAY, 1)}T00:00:00`)), ctx), 'DEC-FECHA-NACIMIENTO', `Fecha de nacimiento no válida en el nodo Alumno: ${addDays(TODAY, 1)}T00:00:00`);
  t.match(future.explanation, 'after the authentication date');
  const fifteen = `${Number(TODAY.slice(0, 4)) - 15}${addDays(TODAY, -2).slice(4)}T00:00:00`;
  t.same(errorCodes(run(resign(setAttribute(base.root, 'Alumno', 'fechaNacimiento', fifteen)), ctx).checks), [], 'fifteen on the expedition day');
});

t.test('fifty subjects (the benchmark shape) pass', async (t) => {
  const plan = defaultPlan({ subjects: 50 });
  const dec = decForPlan(plan, { today: TODAY, credential: signer });
  const outcome = run(dec.root, context(signer, { plans: [plan] }));
  t.same(errorCodes(outcome.checks), []);
  t.equal(getAttribute(dec.root, 'Asignaturas', 'asignadas'), '50');
});
