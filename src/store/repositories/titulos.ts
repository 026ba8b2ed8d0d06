import type { Kysely } from 'kysely';
import type { Database, EnvironmentColumn } from '../schema.js';

/** Folios among `folios` that are registered and not cancelled for this environment and institution. */
export async function registeredFolios(
  db: Kysely<Database>,
  environment: EnvironmentColumn,
  cveInstitucion: string,
  folios: readonly string[],
): Promise<Set<string>> {
  const unique = [...new Set(folios)];
  const registered = new Set<string>();
  // Bounded IN lists: PostgreSQL takes at most 65,535 parameters in one statement.
  for (let i = 0; i < unique.length; i += FOLIO_QUERY_BATCH) {
    const rows = await db
      .selectFrom('titulo')
      .select('folio_control')
      .where('environment', '=', environment)
      .where('cve_institucion', '=', cveInstitucion)
      .where('cancelled_at', 'is', null)
      .where('folio_control', 'in', unique.slice(i, i + FOLIO_QUERY_BATCH))
      .execute();
    for (const row of rows) registered.add(row.folio_control);
  }
  return registered;
}

const FOLIO_QUERY_BATCH = 5_000;

export interface NewTitulo {
  environment: EnvironmentColumn;
  cveInstitucion: string;
  folioControl: string;
  loteId: number;
  position: number;
  curp: string;
  nombre: string;
  primerApellido: string;
  segundoApellido: string;
  registeredAt: Date;
}

const TITULO_BATCH = 1000;

export async function insertTitulos(db: Kysely<Database>, titulos: readonly NewTitulo[]): Promise<void> {
  for (let i = 0; i < titulos.length; i += TITULO_BATCH) {
    await db
      .insertInto('titulo')
      .values(
        titulos.slice(i, i + TITULO_BATCH).map((t) => ({
          environment: t.environment,
          cve_institucion: t.cveInstitucion,
          folio_control: t.folioControl,
          lote_id: t.loteId,
          position: t.position,
          curp: t.curp,
          nombre: t.nombre,
          primer_apellido: t.primerApellido,
          segundo_apellido: t.segundoApellido,
          registered_at: t.registeredAt,
        })),
      )
      .execute();
  }
}

/** Every registration of a folio (the current one first, then cancelled ones), with its lote. */
export function findTitulos(db: Kysely<Database>, environment: EnvironmentColumn | undefined, cveInstitucion: string, folioControl: string) {
  let query = db
    .selectFrom('titulo')
    .innerJoin('lote', 'lote.id', 'titulo.lote_id')
    .select([
      'titulo.id',
      'titulo.environment',
      'titulo.cve_institucion',
      'titulo.folio_control',
      'titulo.curp',
      'titulo.nombre',
      'titulo.primer_apellido',
      'titulo.segundo_apellido',
      'titulo.registered_at',
      'titulo.cancelled_at',
      'titulo.mot_cancelacion',
      'titulo.position',
      'lote.numero_lote',
    ])
    .where('titulo.cve_institucion', '=', cveInstitucion)
    .where('titulo.folio_control', '=', folioControl)
    .orderBy('titulo.cancelled_at', (ob) => ob.desc().nullsFirst())
    .orderBy('titulo.id', 'desc');
  if (environment) query = query.where('titulo.environment', '=', environment);
  return query.execute();
}

/** Cancels the current registration of a folio; undefined when there is none. */
export function cancelTitulo(
  db: Kysely<Database>,
  environment: EnvironmentColumn,
  cveInstitucion: string,
  folioControl: string,
  motCancelacion: string,
  at: Date,
) {
  return db
    .updateTable('titulo')
    .set({ cancelled_at: at, mot_cancelacion: motCancelacion })
    .where('environment', '=', environment)
    .where('cve_institucion', '=', cveInstitucion)
    .where('folio_control', '=', folioControl)
    .where('cancelled_at', 'is', null)
    .returning(['id', 'folio_control'])
    .executeTakeFirst();
}
