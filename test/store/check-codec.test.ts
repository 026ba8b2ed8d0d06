import t from 'tap';
import { fail, ok, skip } from '../../src/domain/checks.js';
import { decodeChecks, encodeChecks } from '../../src/store/check-codec.js';
import { CHECK_DICTIONARY } from '../../src/store/check-dictionary.js';

t.test('checks survive storage: passing ones compactly, the rest whole', async (t) => {
  const checks = [
    ok('TIT-ROOT', 'root fine', { node: 'TituloElectronico' }),
    ok('TIT-CAT-ENTIDAD', 'entidad fine', { node: 'Antecedente', attribute: 'entidadFederativa' }),
    ok('TIT-DATE-ORDER', 'dates fine', { node: 'x', attribute: 'y' }),
    ok('FIRMA-CERT-VIGENCIA', 'valid', { node: 'FirmaResponsable', expected: '2024-01-01 … 2030-12-31', found: '2026-01-15' }),
    fail('FIRMA-SELLO', 'bad sello', 'Error Bus criptografico: La Secuencia no ha sido autenticada', { node: 'FirmaResponsable', attribute: 'sello', detail: { cadena: '||1.0|x||' } }),
    skip('AUT-SELLO', 'no node', { node: 'Autenticacion' }),
  ];
  const json = encodeChecks(checks);
  const stored = JSON.parse(json) as unknown[];
  // TIT-ROOT and TIT-CAT-ENTIDAD are by their CHECK_DICTIONARY position; a passing check not there, compactly.
  t.same(stored.slice(0, 3), [0, CHECK_DICTIONARY.indexOf('TIT-CAT-ENTIDAD|Antecedente|entidadFederativa'), 'TIT-DATE-ORDER|x|y']);
  const decoded = decodeChecks(stored as Parameters<typeof decodeChecks>[0]);
  t.same(decoded[1], { code: 'TIT-CAT-ENTIDAD', status: 'ok', node: 'Antecedente', attribute: 'entidadFederativa', explanation: 'idEntidadFederativa / entidadFederativa do not match the entidades catalog (two digits)' });
  t.match(decoded[3], { code: 'FIRMA-CERT-VIGENCIA', status: 'ok', found: '2026-01-15' });
  t.same(decoded[4], checks[4], 'errors are stored whole, explanation included');
  t.same(decoded[5], checks[5]);
  t.ok(json.length < JSON.stringify(checks).length, 'smaller than plain JSON');
});

t.test('the compact form of a passing check: code, then node and attribute as far as they are set', async (t) => {
  const stored = (check: Parameters<typeof encodeChecks>[0][number]) => (JSON.parse(encodeChecks([check])) as unknown[])[0];
  // A compact string in the dictionary is stored as its position there.
  const compact = (text: string) => (CHECK_DICTIONARY.includes(text) ? CHECK_DICTIONARY.indexOf(text) : text);
  t.equal(stored(ok('TIT-DATE-ORDER', 'x')), compact('TIT-DATE-ORDER'));
  t.equal(stored(ok('TIT-DATE-ORDER', 'x', { node: 'Expedicion' })), compact('TIT-DATE-ORDER|Expedicion'));
  t.equal(stored(ok('TIT-DATE-ORDER', 'x', { attribute: 'fechaExpedicion' })), compact('TIT-DATE-ORDER||fechaExpedicion'));
  t.equal(stored(ok('TIT-DATE-ORDER', 'x', { node: '', attribute: '' })), compact('TIT-DATE-ORDER'));
  t.same(stored(ok('TIT-DATE-ORDER', 'x', { node: 'Expedicion', found: '2026-01-01' })), { code: 'TIT-DATE-ORDER', status: 'ok', node: 'Expedicion', found: '2026-01-01' }, 'anything more: stored whole, but for the explanation');
});
