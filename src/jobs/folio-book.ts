import type { FolioState } from '../domain/shared/signer.js';

/**
 * The folio rule of one lote, decided in upload order, as SEP processes a lote: a folioControl is
 * registered before the lote (the registry says so), registered earlier in this lote (a file before
 * this one passed with it), or free. The registry is asked a chunk at a time, only about folios
 * not seen yet: a folio first seen now cannot be among this lote's own rows, so the answer is the
 * registry as it was before the lote (whose institution lock keeps other lotes out meanwhile).
 */
export class FolioBook {
  private readonly asked = new Set<string>();
  private readonly registeredBefore = new Set<string>();
  private readonly registeredInLote = new Set<string>();

  /** Folios among `folios` the registry has not been asked about yet. */
  unknown(folios: Iterable<string>): string[] {
    const unknown = new Set<string>();
    for (const folio of folios) if (!this.asked.has(folio)) unknown.add(folio);
    return [...unknown];
  }

  /** What the registry answered about `asked`: which of them were registered before this lote. */
  learn(asked: Iterable<string>, registered: Iterable<string>): void {
    for (const folio of asked) this.asked.add(detached(folio));
    for (const folio of registered) this.registeredBefore.add(detached(folio));
  }

  state(folio: string): FolioState {
    if (!this.asked.has(folio)) throw new Error(`folio ${folio} was not looked up before its file was completed`);
    return this.registeredBefore.has(folio) ? 'registered' : this.registeredInLote.has(folio) ? 'registered-in-lote' : 'free';
  }

  /** A file of this lote passed with `folio`: the files after it find it registered. */
  register(folio: string): void {
    this.registeredInLote.add(detached(folio));
  }
}

/**
 * A copy that does not pin its document: V8 keeps a substring as a view into its parent, so a folio
 * kept for the whole lote would otherwise keep every document's text alive.
 */
function detached(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}
