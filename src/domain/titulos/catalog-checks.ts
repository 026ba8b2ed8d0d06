/**
 * Catalog checks (spec §4, §5.2): each id must exist in its catalog AND the description written next
 * to it must equal the catalog text exactly. Only the cargo text check is proven from SEP's answers
 * (§5.1); the others are presumed to work the same way. `expected` is the catalog text and `found`
 * what was written, so a stray trailing space is visible to operators (§5.3 #1).
 */
import { fail, ok, skip, warn, type CheckResult } from '../checks.js';
import type { CheckCode } from '../check-codes.js';
import {
  AUTORIZACIONES,
  CARGOS,
  ENTIDADES,
  ESTUDIOS_ANTECEDENTE,
  FUNDAMENTOS_SERVICIO_SOCIAL,
  MODALIDADES,
  lookupEntidad,
  lookupInteger,
  type Catalog,
  type CatalogEntry,
} from '../catalogs/titulos.js';
import { describeTextDifference } from '../shared/catalog-text.js';
import { given, type TituloElectronico } from './model.js';
import { isIntegerId } from './formats.js';
import { invalidValue } from './sep-messages.js';

interface Pair {
  readonly code: CheckCode;
  readonly node: string;
  readonly idAttribute: string;
  readonly textAttribute: string;
  readonly id: string | undefined;
  readonly text: string | undefined;
  readonly catalog: Catalog;
  /** Entity ids are strings (no integer parsing); the others are xs:integer. */
  readonly entidadNode?: 'Expedicion' | 'Antecedente';
}

function validIds(pair: Pair): string {
  const ids: string[] = [];
  for (const e of pair.catalog.entries.values()) {
    if (pair.entidadNode && lookupEntidad(e.id, pair.entidadNode) === undefined) continue;
    ids.push(e.id);
  }
  return ids.join(', ');
}

function lookup(pair: Pair, id: string): CatalogEntry | undefined {
  return pair.entidadNode ? lookupEntidad(id, pair.entidadNode) : lookupInteger(pair.catalog, id);
}

export { describeTextDifference };

function checkPair(pair: Pair, out: CheckResult[]): void {
  const { code, node, idAttribute, textAttribute, id, text } = pair;
  if (!given(id)) {
    out.push(skip(code, `${node}/@${idAttribute} is missing: the catalog check was not made`, { node, attribute: idAttribute }));
    return;
  }
  if (!pair.entidadNode && !isIntegerId(id)) {
    out.push(skip(code, `${node}/@${idAttribute} is not an integer: the catalog check was not made`, { node, attribute: idAttribute, found: id }));
    return;
  }
  const entry = lookup(pair, id);
  if (entry === undefined) {
    out.push(
      fail(code, `${node}/@${idAttribute} "${id}" is not an id of the ${pair.catalog.name} catalog`, invalidValue(idAttribute, node, id), {
        node,
        attribute: idAttribute,
        expected: validIds(pair),
        found: id,
      }),
    );
    return;
  }
  if (!given(text)) {
    out.push(skip(code, `${node}/@${textAttribute} is missing: only the id was checked`, { node, attribute: textAttribute }));
    return;
  }
  if (text !== entry.text) {
    out.push(
      fail(
        code,
        `${node}/@${textAttribute} for id ${id}: "${text}" ${describeTextDifference(entry.text, text)} "${entry.text}"`,
        invalidValue(textAttribute, node, text),
        { node, attribute: textAttribute, expected: entry.text, found: text },
      ),
    );
    return;
  }
  if (entry.uncertain) {
    out.push(warn(code, `${node}: ${idAttribute} ${id} = ${entry.text}, but ${entry.uncertain}`, { node, attribute: idAttribute, found: id }));
  } else {
    out.push(ok(code, `${node}: ${idAttribute} ${id} = ${entry.text}`, { node, attribute: textAttribute }));
  }
}

export function checkCatalogs(t: TituloElectronico, out: CheckResult[]): void {
  for (const f of t.firmas) {
    checkPair({ code: 'TIT-CAT-CARGO', node: f.node, idAttribute: 'idCargo', textAttribute: 'cargo', id: f.idCargo, text: f.cargo, catalog: CARGOS }, out);
  }
  const { carrera: c, expedicion: e, antecedente: a } = t;
  const pairs: Pair[] = [
    {
      code: 'TIT-CAT-AUTORIZACION',
      node: 'Carrera',
      idAttribute: 'idAutorizacionReconocimiento',
      textAttribute: 'autorizacionReconocimiento',
      id: c.idAutorizacionReconocimiento,
      text: c.autorizacionReconocimiento,
      catalog: AUTORIZACIONES,
    },
    {
      code: 'TIT-CAT-MODALIDAD',
      node: 'Expedicion',
      idAttribute: 'idModalidadTitulacion',
      textAttribute: 'modalidadTitulacion',
      id: e.idModalidadTitulacion,
      text: e.modalidadTitulacion,
      catalog: MODALIDADES,
    },
    {
      code: 'TIT-CAT-FUNDAMENTO',
      node: 'Expedicion',
      idAttribute: 'idFundamentoLegalServicioSocial',
      textAttribute: 'fundamentoLegalServicioSocial',
      id: e.idFundamentoLegalServicioSocial,
      text: e.fundamentoLegalServicioSocial,
      catalog: FUNDAMENTOS_SERVICIO_SOCIAL,
    },
    {
      code: 'TIT-CAT-ENTIDAD',
      node: 'Expedicion',
      idAttribute: 'idEntidadFederativa',
      textAttribute: 'entidadFederativa',
      id: e.idEntidadFederativa,
      text: e.entidadFederativa,
      catalog: ENTIDADES,
      entidadNode: 'Expedicion',
    },
    {
      code: 'TIT-CAT-ESTUDIO-ANTECEDENTE',
      node: 'Antecedente',
      idAttribute: 'idTipoEstudioAntecedente',
      textAttribute: 'tipoEstudioAntecedente',
      id: a.idTipoEstudioAntecedente,
      text: a.tipoEstudioAntecedente,
      catalog: ESTUDIOS_ANTECEDENTE,
    },
    {
      code: 'TIT-CAT-ENTIDAD',
      node: 'Antecedente',
      idAttribute: 'idEntidadFederativa',
      textAttribute: 'entidadFederativa',
      id: a.idEntidadFederativa,
      text: a.entidadFederativa,
      catalog: ENTIDADES,
      entidadNode: 'Antecedente',
    },
  ];
  for (const pair of pairs) checkPair(pair, out);
}
