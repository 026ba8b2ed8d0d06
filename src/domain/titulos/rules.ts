/**
 * Business rules across attributes (spec §2.6, §5.2): the exam or exemption date the modalidad calls
 * for, numeroRvoe, noCedula, date order, "not in the future", and the credentials' institution.
 * SEP's wording for these was never observed; messages use its `<Campo> no válido …` template.
 */
import { fail, ok, skip, warn, type CheckResult } from '../checks.js';
import { MODALIDADES, RVOE_AUTORIZACION_IDS, integerIdKey, lookupInteger, type FechaModalidad } from '../catalogs/titulos.js';
import { given, type TituloElectronico } from './model.js';
import { isIsoDate } from './formats.js';
import { attributeMissing, invalidValue } from './sep-messages.js';

/**
 * Antecedent types whose título is a posgrado, so the antecedent's cédula is expected: 1 MAESTRÍA
 * (título de doctorado) and 2 LICENCIATURA (maestría or especialidad). This is an inference (spec
 * §5.2: producers' guidance says noCedula is needed for posgrados; W7 maps levels to antecedents).
 */
export const CEDULA_ANTECEDENTE_IDS: ReadonlySet<string> = new Set(['1', '2']);

const OTHER_FECHA: Readonly<Record<FechaModalidad, FechaModalidad>> = {
  fechaExamenProfesional: 'fechaExencionExamenProfesional',
  fechaExencionExamenProfesional: 'fechaExamenProfesional',
};

/** Exactly one of the two dates, the one the modalidad's type calls for (§2.6, §4.3, §5.3 #10). */
export function checkFechaExamen(t: TituloElectronico, out: CheckResult[]): void {
  const e = t.expedicion;
  const node = 'Expedicion';
  const modalidad = given(e.idModalidadTitulacion) ? lookupInteger(MODALIDADES, e.idModalidadTitulacion) : undefined;
  if (modalidad) {
    const wanted = modalidad.fecha;
    const other = OTHER_FECHA[wanted];
    const otherValue = e[other];
    if (given(otherValue)) {
      out.push(
        fail('TIT-FECHA-EXAMEN', `Modalidad ${modalidad.id} (${modalidad.tipo}) calls for ${wanted}, not ${other}`, invalidValue(other, node, otherValue), {
          node,
          attribute: other,
          expected: `absent (modalidad ${modalidad.id} calls for ${wanted})`,
          found: otherValue,
        }),
      );
    } else if (!given(e[wanted])) {
      out.push(
        fail('TIT-FECHA-EXAMEN', `Modalidad ${modalidad.id} (${modalidad.tipo}) calls for ${wanted}, which is missing`, attributeMissing(node, wanted), {
          node,
          attribute: wanted,
        }),
      );
    } else {
      out.push(ok('TIT-FECHA-EXAMEN', `Modalidad ${modalidad.id} (${modalidad.tipo}) carries ${wanted} only`, { node, attribute: wanted }));
    }
    return;
  }
  // Unknown modalidad (TIT-CAT-MODALIDAD reports it): still exactly one of the two dates.
  const examen = given(e.fechaExamenProfesional);
  const exencion = e.fechaExencionExamenProfesional;
  if (examen && given(exencion)) {
    out.push(
      fail('TIT-FECHA-EXAMEN', 'Both the exam and the exemption dates are given; exactly one is allowed', invalidValue('fechaExencionExamenProfesional', node, exencion), {
        node,
        attribute: 'fechaExencionExamenProfesional',
        found: exencion,
      }),
    );
  } else if (!examen && !given(exencion)) {
    out.push(
      fail('TIT-FECHA-EXAMEN', 'Neither the exam nor the exemption date is given; exactly one is required', attributeMissing(node, 'fechaExamenProfesional'), {
        node,
        attribute: 'fechaExamenProfesional',
      }),
    );
  } else {
    out.push(ok('TIT-FECHA-EXAMEN', 'Exactly one of the exam and exemption dates is given', { node }));
  }
}

/** numeroRvoe when the authorization is an RVOE (§2.6; an inference, §5.2). */
export function checkRvoe(t: TituloElectronico, out: CheckResult[]): void {
  const c = t.carrera;
  const node = 'Carrera';
  const key = given(c.idAutorizacionReconocimiento) ? integerIdKey(c.idAutorizacionReconocimiento) : undefined;
  if (key === undefined) {
    out.push(skip('TIT-RVOE', 'idAutorizacionReconocimiento is missing or not an integer', { node, attribute: 'numeroRvoe' }));
  } else if (!RVOE_AUTORIZACION_IDS.has(key)) {
    out.push(ok('TIT-RVOE', `Authorization ${key} is not an RVOE: numeroRvoe is optional`, { node, attribute: 'numeroRvoe' }));
  } else if (!given(c.numeroRvoe)) {
    out.push(fail('TIT-RVOE', `Authorization ${key} is an RVOE: numeroRvoe is required`, attributeMissing(node, 'numeroRvoe'), { node, attribute: 'numeroRvoe' }));
  } else {
    out.push(ok('TIT-RVOE', `Authorization ${key} is an RVOE and numeroRvoe is given`, { node, attribute: 'numeroRvoe', found: c.numeroRvoe }));
  }
}

/** noCedula when the antecedent makes the título a posgrado (see CEDULA_ANTECEDENTE_IDS). */
export function checkCedula(t: TituloElectronico, out: CheckResult[]): void {
  const a = t.antecedente;
  const node = 'Antecedente';
  const key = given(a.idTipoEstudioAntecedente) ? integerIdKey(a.idTipoEstudioAntecedente) : undefined;
  if (key === undefined) {
    out.push(skip('TIT-CEDULA', 'idTipoEstudioAntecedente is missing or not an integer', { node, attribute: 'noCedula' }));
  } else if (!CEDULA_ANTECEDENTE_IDS.has(key)) {
    out.push(ok('TIT-CEDULA', `Antecedent type ${key} is not a licenciatura or maestría: noCedula is optional`, { node, attribute: 'noCedula' }));
  } else if (!given(a.noCedula)) {
    out.push(
      fail('TIT-CEDULA', `Antecedent type ${key} makes this título a posgrado: noCedula is required`, attributeMissing(node, 'noCedula'), {
        node,
        attribute: 'noCedula',
      }),
    );
  } else {
    out.push(ok('TIT-CEDULA', `Antecedent type ${key} and noCedula is given`, { node, attribute: 'noCedula', found: a.noCedula }));
  }
}

interface DateRef {
  readonly node: string;
  readonly attribute: string;
  readonly value: string | undefined;
}

function date(ref: DateRef): string | undefined {
  return given(ref.value) && isIsoDate(ref.value) ? ref.value : undefined;
}

/**
 * Errors when a date that must come later is earlier: the later one is blamed (it is what SEP's
 * template would print). Antecedent end ≤ carrera start is only a warning: it holds in every
 * accepted sample, but no source states it as a rule (§2.6 [INF]).
 */
export function checkDateOrder(t: TituloElectronico, out: CheckResult[]): void {
  const { carrera: c, expedicion: e, antecedente: a } = t;
  const ref = (node: string, attribute: string, value: string | undefined): DateRef => ({ node, attribute, value });
  const expedicion = ref('Expedicion', 'fechaExpedicion', e.fechaExpedicion);
  const examen = given(e.fechaExamenProfesional)
    ? ref('Expedicion', 'fechaExamenProfesional', e.fechaExamenProfesional)
    : ref('Expedicion', 'fechaExencionExamenProfesional', e.fechaExencionExamenProfesional);
  const pairs: readonly (readonly [DateRef, DateRef])[] = [
    [ref('Carrera', 'fechaInicio', c.fechaInicio), ref('Carrera', 'fechaTerminacion', c.fechaTerminacion)],
    [ref('Antecedente', 'fechaInicio', a.fechaInicio), ref('Antecedente', 'fechaTerminacion', a.fechaTerminacion)],
    [examen, expedicion],
    [ref('Carrera', 'fechaTerminacion', c.fechaTerminacion), expedicion],
  ];
  let compared = 0;
  let errors = 0;
  for (const [earlier, later] of pairs) {
    const from = date(earlier);
    const to = date(later);
    if (from === undefined || to === undefined) continue;
    compared++;
    if (from <= to) continue;
    errors++;
    out.push(
      fail('TIT-DATE-ORDER', `${later.node}/@${later.attribute} ${to} is before ${earlier.node}/@${earlier.attribute} ${from}`, invalidValue(later.attribute, later.node, to), {
        node: later.node,
        attribute: later.attribute,
        expected: `≥ ${from} (${earlier.node}/@${earlier.attribute})`,
        found: to,
      }),
    );
  }
  if (errors === 0) out.push(ok('TIT-DATE-ORDER', `${compared} date pair(s) compared: all in order`));

  const antecedenteFin = date(ref('Antecedente', 'fechaTerminacion', a.fechaTerminacion));
  const carreraInicio = date(ref('Carrera', 'fechaInicio', c.fechaInicio));
  if (antecedenteFin !== undefined && carreraInicio !== undefined && antecedenteFin > carreraInicio) {
    out.push(
      warn('TIT-DATE-ORDER', `The antecedent ends (${antecedenteFin}) after the carrera starts (${carreraInicio}): unusual, but not a known SEP rule`, {
        node: 'Antecedente',
        attribute: 'fechaTerminacion',
        expected: `≤ ${carreraInicio} (Carrera/@fechaInicio)`,
        found: antecedenteFin,
      }),
    );
  }
}

/** fechaExpedicion must not be later than the service's date (§5.2; producers back-date by a day). */
export function checkExpedicionFutura(t: TituloElectronico, today: string, out: CheckResult[]): void {
  const node = 'Expedicion';
  const attribute = 'fechaExpedicion';
  const value = date({ node, attribute, value: t.expedicion.fechaExpedicion });
  if (value === undefined) {
    out.push(skip('TIT-EXPEDICION-FUTURA', 'fechaExpedicion is missing or not a date', { node, attribute }));
  } else if (value > today) {
    out.push(
      fail('TIT-EXPEDICION-FUTURA', `fechaExpedicion ${value} is later than the service date ${today}`, invalidValue(attribute, node, value), {
        node,
        attribute,
        expected: `≤ ${today}`,
        found: value,
      }),
    );
  } else {
    out.push(ok('TIT-EXPEDICION-FUTURA', `fechaExpedicion ${value} is not later than ${today}`, { node, attribute }));
  }
}

/** The título's institution must be the one whose credentials uploaded it (§5.2). */
export function checkInstitucion(t: TituloElectronico, cveInstitucion: string, out: CheckResult[]): void {
  const node = 'Institucion';
  const attribute = 'cveInstitucion';
  const value = t.institucion.cveInstitucion;
  if (!given(value)) {
    out.push(skip('TIT-INSTITUCION', 'cveInstitucion is missing', { node, attribute }));
  } else if (value !== cveInstitucion) {
    out.push(
      fail('TIT-INSTITUCION', `cveInstitucion ${value} is not the credentials' institution ${cveInstitucion}`, invalidValue(attribute, node, value), {
        node,
        attribute,
        expected: cveInstitucion,
        found: value,
      }),
    );
  } else {
    out.push(ok('TIT-INSTITUCION', `cveInstitucion ${value} is the credentials' institution`, { node, attribute }));
  }
}
