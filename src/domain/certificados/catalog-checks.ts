/**
 * Catalog checks (spec mec-certificados.md §3): each id must exist in its catalog and, when the
 * optional descriptive text is written next to it, the text must be the catalog's. Whether MEC
 * compares the texts is not public; the títulos service does (met-titulos.md §5.1), and the DEC
 * catalogs come from the same SEP sheets, so it is presumed here too.
 */
import { fail, ok, skip, warn, type CheckResult } from '../checks.js';
import type { CheckCode } from '../check-codes.js';
import { isCanonicalInteger, type Catalog, type CatalogEntry } from '../catalogs/catalog.js';
import {
  CARGOS_DEC,
  ENTIDADES,
  GENEROS,
  NIVELES_ESTUDIOS,
  TIPOS_ASIGNATURA,
  TIPOS_CERTIFICACION,
  TIPOS_CERTIFICADO,
  TIPOS_PERIODO,
  lookupEntidadDec,
  lookupObservacion,
  observacionIds,
  type TipoAsignaturaEntry,
} from '../catalogs/certificados.js';
import { describeTextDifference } from '../shared/catalog-text.js';
import type { DecOptions } from './context.js';
import { given, type Dec } from './model.js';
import { invalidValue } from './sep-messages.js';

interface Pair {
  readonly node: string;
  readonly idAttribute: string;
  readonly textAttribute?: string;
  readonly id: string | undefined;
  readonly text?: string | undefined;
  /** The entry for the id as written, or undefined when the catalog (version) has none. */
  readonly lookup: (id: string) => (CatalogEntry & { readonly printed?: string }) | undefined;
  /** Entidades are two-character strings; every other DEC catalog id is an integer. */
  readonly stringId?: boolean;
  readonly validIds: () => string;
}

/** Per-pair outcome: an error or warning is pushed to `issues`; ok pairs only count. */
function checkPair(code: CheckCode, pair: Pair, issues: CheckResult[]): 'ok' | 'skipped' | 'issue' {
  const { node, idAttribute, textAttribute, id, text } = pair;
  if (!given(id) || (!pair.stringId && !isCanonicalInteger(id))) return 'skipped';
  const entry = pair.lookup(id);
  if (entry === undefined) {
    issues.push(
      fail(code, `${node}/@${idAttribute} "${id}" is not an id of the catalog`, invalidValue(idAttribute, node, id), {
        node,
        attribute: idAttribute,
        expected: pair.validIds(),
        found: id,
      }),
    );
    return 'issue';
  }
  if (textAttribute !== undefined && given(text) && text !== entry.text && text !== entry.printed) {
    issues.push(
      fail(code, `${node}/@${textAttribute} for id ${id}: "${text}" ${describeTextDifference(entry.text, text)} "${entry.text}"`, invalidValue(textAttribute, node, text), {
        node,
        attribute: textAttribute,
        expected: entry.printed ? `${entry.text} (or ${entry.printed})` : entry.text,
        found: text,
      }),
    );
    return 'issue';
  }
  if (entry.uncertain) {
    issues.push(warn(code, `${node}: ${idAttribute} ${id} = ${entry.text}, but ${entry.uncertain}`, { node, attribute: idAttribute, found: id }));
    return 'issue';
  }
  return 'ok';
}

/** Checks every pair of one code and records one ok when none had an issue. */
function checkCode(code: CheckCode, what: string, pairs: readonly Pair[], out: CheckResult[]): void {
  const issues: CheckResult[] = [];
  let checked = 0;
  let skipped = 0;
  for (const pair of pairs) {
    const outcome = checkPair(code, pair, issues);
    if (outcome === 'skipped') skipped++;
    else checked++;
  }
  out.push(...issues);
  if (issues.some((r) => r.status === 'error')) return;
  if (checked === 0 && skipped > 0) {
    out.push(skip(code, `${what}: the id is missing or not an integer, so the catalog check was not made`, { node: pairs[0]?.node, attribute: pairs[0]?.idAttribute }));
  } else if (issues.length === 0) {
    out.push(ok(code, `${what}: ${checked} id(s) in the catalog`));
  }
}

function exact<E extends CatalogEntry>(cat: Catalog<E>): Pick<Pair, 'lookup' | 'validIds'> {
  return { lookup: (id) => cat.entries.get(id), validIds: () => [...cat.entries.keys()].join(', ') };
}

function entidades(allowExtranjero: boolean): Pick<Pair, 'lookup' | 'validIds' | 'stringId'> {
  return {
    stringId: true,
    lookup: (id) => lookupEntidadDec(id, allowExtranjero),
    validIds: () => [...ENTIDADES.entries.keys()].filter((id) => lookupEntidadDec(id, allowExtranjero)).join(', '),
  };
}

export function checkCatalogs(d: Dec, options: DecOptions, out: CheckResult[]): void {
  const { ipes: i, responsable: r, carrera: c, alumno: a, expedicion: e } = d;
  checkCode('DEC-CAT-TIPO-CERTIFICADO', 'tipoCertificado', [{ node: 'Dec', idAttribute: 'tipoCertificado', id: d.tipoCertificado, ...exact(TIPOS_CERTIFICADO) }], out);
  checkCode('DEC-CAT-CARGO', 'Responsable cargo', [{ node: 'Responsable', idAttribute: 'idCargo', textAttribute: 'cargo', id: r.idCargo, text: r.cargo, ...exact(CARGOS_DEC) }], out);
  checkCode(
    'DEC-CAT-ENTIDAD',
    'entidades',
    [
      { node: 'Ipes', idAttribute: 'idEntidadFederativa', textAttribute: 'entidadFederativa', id: i.idEntidadFederativa, text: i.entidadFederativa, ...entidades(false) },
      {
        node: 'Expedicion',
        idAttribute: 'idLugarExpedicion',
        textAttribute: 'lugarExpedicion',
        id: e.idLugarExpedicion,
        text: e.lugarExpedicion,
        ...entidades(options.allowExtranjeroLugarExpedicion),
      },
    ],
    out,
  );
  checkCode('DEC-CAT-TIPO-PERIODO', 'tipo de periodo', [{ node: 'Carrera', idAttribute: 'idTipoPeriodo', textAttribute: 'tipoPeriodo', id: c.idTipoPeriodo, text: c.tipoPeriodo, ...exact(TIPOS_PERIODO) }], out);
  checkCode(
    'DEC-CAT-NIVEL-ESTUDIOS',
    'nivel de estudios',
    [{ node: 'Carrera', idAttribute: 'idNivelEstudios', textAttribute: 'nivelEstudios', id: c.idNivelEstudios, text: c.nivelEstudios, ...exact(NIVELES_ESTUDIOS) }],
    out,
  );
  checkCode('DEC-CAT-GENERO', 'género', [{ node: 'Alumno', idAttribute: 'idGenero', id: a.idGenero, ...exact(GENEROS) }], out);
  checkCode(
    'DEC-CAT-TIPO-CERTIFICACION',
    'tipo de certificación',
    [{ node: 'Expedicion', idAttribute: 'idTipoCertificacion', textAttribute: 'tipoCertificacion', id: e.idTipoCertificacion, text: e.tipoCertificacion, ...exact(TIPOS_CERTIFICACION) }],
    out,
  );
  checkCode(
    'DEC-CAT-TIPO-ASIGNATURA',
    'tipo de asignatura',
    d.subjects.map((s) => ({ node: s.node, idAttribute: 'idTipoAsignatura', textAttribute: 'tipoAsignatura', id: s.idTipoAsignatura, text: s.tipoAsignatura, ...exact<TipoAsignaturaEntry>(TIPOS_ASIGNATURA) })),
    out,
  );
  checkObservaciones(d, options, out);
}

/** idObservaciones is expected on every subject (FAQ) but optional in practice (S3): absent is a warning. */
function checkObservaciones(d: Dec, options: DecOptions, out: CheckResult[]): void {
  const version = options.observacionesVersion;
  const absent = d.subjects.filter((s) => !given(s.idObservaciones));
  const pairs: Pair[] = d.subjects
    .filter((s) => given(s.idObservaciones))
    .map((s) => ({
      node: s.node,
      idAttribute: 'idObservaciones',
      textAttribute: 'observaciones',
      id: s.idObservaciones,
      text: s.observaciones,
      lookup: (id: string) => lookupObservacion(id, version),
      validIds: () => observacionIds(version).join(', '),
    }));
  const start = out.length;
  if (pairs.length) checkCode('DEC-CAT-OBSERVACIONES', `observaciones (catalog version ${version})`, pairs, out);
  for (const s of absent) {
    out.push(warn('DEC-CAT-OBSERVACIONES', `${s.node}: no idObservaciones; SEP's FAQ asks for one on every subject (100 NORMAL / ORDINARIO)`, { node: s.node, attribute: 'idObservaciones' }));
  }
  if (out.length === start) out.push(skip('DEC-CAT-OBSERVACIONES', 'No subject carries idObservaciones'));
}
