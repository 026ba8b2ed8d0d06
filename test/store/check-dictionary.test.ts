/**
 * CHECK_DICTIONARY is append-only: stored rows refer to its positions for good. This file's pinned
 * copy holds every entry ever released; add new entries to the end of both.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { mexicoCityDate } from '../../src/domain/dates.js';
import { ok } from '../../src/domain/checks.js';
import { checkTitulo } from '../../src/domain/titulos/check-titulo.js';
import { decodeChecks, encodeChecks } from '../../src/store/check-codec.js';
import { CHECK_DICTIONARY } from '../../src/store/check-dictionary.js';
import { mintEfirma } from '../support/pki.js';
import { buildTitulo, tituloContext } from '../support/titulo-fixture.js';

const pinned = JSON.parse(readFileSync(new URL('./check-dictionary.pinned.json', import.meta.url), 'utf8')) as unknown[];

t.test('no entry ever released moves or changes (append new ones at the end, here too)', async (t) => {
  t.ok(CHECK_DICTIONARY.length >= pinned.length, `${CHECK_DICTIONARY.length} entries, ${pinned.length} released`);
  t.same(CHECK_DICTIONARY.slice(0, pinned.length), pinned);
  t.equal(new Set(CHECK_DICTIONARY.map((e) => JSON.stringify(e))).size, CHECK_DICTIONARY.length, 'no entry twice');
  t.ok(Object.isFrozen(CHECK_DICTIONARY) && CHECK_DICTIONARY.every((e) => Object.isFrozen(e)), 'entries are shared by every decoded list: frozen');
});

t.test("a valid título's checks: the recurring ones by position, the rest whole; read back the same", async (t) => {
  const today = mexicoCityDate(new Date());
  const signer = mintEfirma();
  const { checks } = checkTitulo(buildTitulo({ today, signers: [signer] }).root, tituloContext({ today, signers: [signer], renapo: null }));
  const json = encodeChecks(checks);
  const stored = JSON.parse(json) as unknown[];
  t.ok(stored.filter((e) => typeof e === 'number').length >= 30, 'most checks by position');
  t.ok(json.length < 1000, `${json.length} characters for ${checks.length} checks`);
  const decoded = decodeChecks(stored as Parameters<typeof decodeChecks>[0]);
  t.same(decoded.map((c) => [c.code, c.status, c.node, c.attribute]), checks.map((c) => [c.code, c.status, c.node, c.attribute]));
  t.same(decoded.filter((c) => c.status === 'skipped'), checks.filter((c) => c.status === 'skipped'), 'skipped ones keep their reason');
});

t.test('lists stored before the dictionary read back unchanged; a position past its end is an error that says so', async (t) => {
  t.same(decodeChecks(['TIT-ROOT|TituloElectronico']), decodeChecks([0]));
  t.same(decodeChecks([0]), decodeChecks(JSON.parse(encodeChecks([ok('TIT-ROOT', 'x', { node: 'TituloElectronico' })])) as [number]));
  t.throws(() => decodeChecks([CHECK_DICTIONARY.length]), /refers to position \d+ of CHECK_DICTIONARY, which has \d+ entries/);
});
