import t from 'tap';
import {
  certificateNumberFromSerialHex,
  isCertificateNumber,
  serialHexFromCertificateNumber,
} from '../../../src/domain/efirma/certificate-number.js';

t.test('decodes the serial bytes as ASCII digits', async (t) => {
  t.equal(certificateNumberFromSerialHex('3330303031303030303030353030303033343135'), '30001000000500003415');
  t.equal(certificateNumberFromSerialHex('3330303031303030303030343030303032333032'), '30001000000400002302');
  // Production numbers start with zeros; the bytes are still 0x30.
  t.equal(certificateNumberFromSerialHex('3030303031303030303030353034343635303238'), '00001000000504465028');
  t.equal(certificateNumberFromSerialHex('3330303031303030303030353030303033343135'.toLowerCase()), '30001000000500003415');
});

t.test('null when the serial is not 20 ASCII digits', async (t) => {
  t.equal(certificateNumberFromSerialHex(''), null);
  t.equal(certificateNumberFromSerialHex('01'), null, 'ordinary small serial');
  t.equal(certificateNumberFromSerialHex('57:58'), null);
  t.equal(certificateNumberFromSerialHex('333030303130303030303035303030303334313'), null, '39 hex characters');
  t.equal(certificateNumberFromSerialHex('333030303130303030303035303030303334313535'), null, '21 bytes');
  t.equal(certificateNumberFromSerialHex('3330303031303030303030353030303033343141'), null, 'last byte is "A"');
  t.equal(certificateNumberFromSerialHex('575827FE7616F595FF55391464B5BCE95758ABCD'), null, 'random 20 bytes');
  t.equal(certificateNumberFromSerialHex('zz30303031303030303030353030303033343135'), null, 'not hex');
});

t.test('pattern and the inverse', async (t) => {
  t.ok(isCertificateNumber('30001000000500003415'));
  t.notOk(isCertificateNumber('3000100000050000341'));
  t.notOk(isCertificateNumber('30001000000500003415\n'));
  t.notOk(isCertificateNumber('3000100000050000341A'));
  t.equal(serialHexFromCertificateNumber('30001000000500003415'), '3330303031303030303030353030303033343135');
  t.throws(() => serialHexFromCertificateNumber('123'), RangeError);
  const n = '00001000000708361114';
  t.equal(certificateNumberFromSerialHex(serialHexFromCertificateNumber(n)), n);
});
