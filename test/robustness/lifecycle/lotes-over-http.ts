// Lotes submitted to, and read back from, a running service over HTTP: what the crash tests send
// before a kill, and how they compare what was submitted with what the service stored.
import type { Test } from 'tap';
import { AdjustableClock } from '../../../src/clock.js';
import type { TestApp } from '../../support/app.js';
import { ADMIN_TOKEN, basicAuth } from '../../support/app.js';
import { tituloFor, zipOf, type Institution } from '../../support/met-scenario.js';
import { mintEfirma } from '../../support/pki.js';

/** What tituloFor needs of a test app: the service clock (real time here, as in the service). */
const realTime = { clock: new AdjustableClock() } as unknown as TestApp;

export interface SubmittedFile {
  readonly name: string;
  readonly folioControl: string;
  /** false: its sello is broken, it must be rejected. */
  readonly valid: boolean;
}

export interface SubmittedLote {
  readonly nombreArchivo: string;
  readonly zip: Buffer;
  readonly files: readonly SubmittedFile[];
  numeroLote?: number;
}

/** Registers an institution (QA user, one signer) through the admin API's seed route. */
export async function seedOver(base: string, cveInstitucion: string): Promise<Institution> {
  const signer = mintEfirma();
  const inst: Institution = {
    cveInstitucion,
    usuario: `usuariomet.crash${cveInstitucion}`,
    password: 'crash-password-1',
    prodUsuario: `usuarioMET.crash${cveInstitucion}p`,
    prodPassword: 'crash-password-2',
    signer,
  };
  const seed = {
    institutions: [
      {
        cveInstitucion,
        nombre: 'UNIVERSIDAD DE CHOQUES',
        users: [
          { usuario: inst.usuario, password: inst.password, environment: 'qa' },
          { usuario: inst.prodUsuario, password: inst.prodPassword, environment: 'prod' },
        ],
        signers: [{ certificateBase64: signer.cerDer.toString('base64'), idCargo: 3, cargo: 'RECTOR' }],
      },
    ],
  };
  const answer = await fetch(`${base}/api/v1/admin/seed`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(seed),
  });
  if (!answer.ok) throw new Error(`seed failed: ${answer.status} ${await answer.text()}`);
  return inst;
}

/**
 * One lote per entry of `sizes`, of that many títulos. Every lote after the first repeats a folio of
 * the lote before it (exactly one of the two copies may register, whichever is stored first) and,
 * from 3 files on, holds one título whose sello is broken (always rejected).
 */
export async function makeLotes(inst: Institution, tag: string, sizes: readonly number[]): Promise<SubmittedLote[]> {
  const lotes: SubmittedLote[] = [];
  for (const [i, files] of sizes.entries()) {
    const list: SubmittedFile[] = [];
    for (let j = 0; j < files; j++) {
      const repeat = i > 0 && j === 0;
      const folioControl = repeat ? `${tag}-${i - 1}-1` : `${tag}-${i}-${j}`;
      list.push({ name: `${String(j).padStart(3, '0')}-${folioControl}.xml`, folioControl, valid: j !== 2 });
    }
    const zip = await zipOf(
      list.map((file) => {
        const xml = tituloFor(realTime, inst, file.folioControl);
        return { name: file.name, content: file.valid ? xml : xml.replace(/ sello="(.)/, (_m, c: string) => ` sello="${c === 'A' ? 'B' : 'A'}`) };
      }),
    );
    lotes.push({ nombreArchivo: `${tag}-${i}.zip`, zip, files: list });
  }
  return lotes;
}

/** Uploads a lote over REST; its numeroLote once the service answered "received". */
export async function submit(base: string, inst: Institution, lote: SubmittedLote): Promise<number> {
  const answer = await fetch(`${base}/api/v1/met/lotes?nombreArchivo=${encodeURIComponent(lote.nombreArchivo)}`, {
    method: 'POST',
    headers: { ...basicAuth(inst.usuario, inst.password), 'content-type': 'application/zip' },
    body: lote.zip,
  });
  const text = await answer.text();
  if (answer.status !== 202) throw new Error(`upload ${lote.nombreArchivo}: ${answer.status} ${text}`);
  lote.numeroLote = (JSON.parse(text) as { numeroLote: number }).numeroLote;
  return lote.numeroLote;
}

export interface LoteView {
  status: 'received' | 'processing' | 'processed';
  documents?: Array<{ position: number; archivo: string; folioControl: string; estatus: number; descripcion: string }>;
}

export async function loteView(base: string, inst: Institution, numeroLote: number): Promise<LoteView> {
  const answer = await fetch(`${base}/api/v1/met/lotes/${numeroLote}?checks=problems`, { headers: basicAuth(inst.usuario, inst.password) });
  if (!answer.ok) throw new Error(`lote ${numeroLote}: ${answer.status} ${await answer.text()}`);
  return (await answer.json()) as LoteView;
}

/** Statuses of the submitted lotes, read from the service; undefined while it does not answer. */
export async function statuses(base: string, inst: Institution, lotes: readonly SubmittedLote[]): Promise<string[] | undefined> {
  try {
    return await Promise.all(lotes.map(async (l) => (await loteView(base, inst, l.numeroLote!)).status));
  } catch {
    return undefined;
  }
}

export interface Accounting {
  readonly lost: number;
  readonly duplicated: number;
}

/**
 * Compares what was submitted with what the service stored: every lote processed, one result per
 * file in upload order, every valid folio registered exactly once (once per folio across lotes),
 * every broken file rejected. Counts documents lost and duplicated.
 */
export async function compareStored(t: Test, base: string, inst: Institution, lotes: readonly SubmittedLote[]): Promise<Accounting> {
  let lost = 0;
  let duplicated = 0;
  const registeredCopies = new Map<string, number>();
  for (const lote of lotes) {
    const view = await loteView(base, inst, lote.numeroLote!);
    const documents = view.documents ?? [];
    if (view.status !== 'processed') {
      t.fail(`lote ${lote.numeroLote} is ${view.status}`);
      lost += lote.files.length;
      continue;
    }
    lost += Math.max(0, lote.files.length - documents.length);
    duplicated += Math.max(0, documents.length - lote.files.length);
    t.same(
      documents.map((d) => [d.position, d.archivo, d.folioControl]),
      lote.files.map((f, i) => [i, f.name, f.folioControl]),
      `lote ${lote.numeroLote}: one result per submitted file, in order`,
    );
    for (const [i, file] of lote.files.entries()) {
      const document = documents.find((d) => d.position === i);
      if (!document) continue;
      if (!file.valid) {
        if (document.estatus !== 2 || !/Secuencia no ha sido autenticada/.test(document.descripcion)) t.fail(`${file.name}: ${document.descripcion}`);
      } else if (document.estatus === 1) {
        registeredCopies.set(file.folioControl, (registeredCopies.get(file.folioControl) ?? 0) + 1);
      } else if (!/previamente registrado/.test(document.descripcion)) {
        t.fail(`${file.name}: rejected with ${document.descripcion}`);
      }
    }
  }
  const validFolios = new Set(lotes.flatMap((l) => l.files.filter((f) => f.valid).map((f) => f.folioControl)));
  for (const folio of validFolios) {
    const copies = registeredCopies.get(folio) ?? 0;
    if (copies === 0) lost++;
    if (copies > 1) duplicated += copies - 1;
    const registrations = await fetch(`${base}/api/v1/admin/institutions/${inst.cveInstitucion}/titulos/${encodeURIComponent(folio)}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const stored = registrations.ok ? ((await registrations.json()) as { registrations: unknown[] }).registrations.length : 0;
    if (stored !== 1) {
      t.fail(`folio ${folio}: ${stored} registrations stored`);
      if (stored > 1) duplicated += stored - 1;
    }
  }
  t.equal(lost, 0, 'no submitted document lost');
  t.equal(duplicated, 0, 'no document processed twice');
  return { lost, duplicated };
}
