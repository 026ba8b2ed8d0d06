import t from 'tap';
import { compareDecimal, formatDecimal, formatGrade, parseDecimal, sumDecimals, truncatedMean, type Decimal } from '../../../src/domain/certificados/decimal.js';
import { decDate, isCiclo, isCredits, isGrade } from '../../../src/domain/certificados/formats.js';

const d = (s: string): Decimal => {
  const v = parseDecimal(s);
  if (v === undefined) throw new Error(s);
  return v;
};

t.test('parse and format keep the written scale', async (t) => {
  t.same(parseDecimal('306.25'), { units: 30625n, scale: 2 });
  t.equal(parseDecimal('6,25'), undefined);
  t.equal(parseDecimal('-1'), undefined);
  t.equal(parseDecimal('.5'), undefined);
  t.equal(formatDecimal(d('0.05')), '0.05');
  t.equal(formatDecimal(sumDecimals([d('6.25'), d('7.5'), d('8')])), '21.75');
  t.equal(compareDecimal(d('6.00'), d('6')), 0);
  t.equal(compareDecimal(d('5.99'), d('6')), -1);
});

t.test('the mean is truncated, never rounded, and exact where floats are not', async (t) => {
  t.equal(formatGrade(truncatedMean([d('9.00'), d('8.50'), d('10'), d('7.75'), d('9.25'), d('8.00'), d('9.50'), d('6.75'), d('8.25')], 2) as Decimal), '8.55');
  t.equal(formatGrade(truncatedMean([d('8.29'), d('8.30'), d('8.30')], 2) as Decimal), '8.29', '24.89 / 3 = 8.2966…');
  // 0.1 + 0.2 style: (8.7 + 8.7 + 8.7) / 3 is 8.7 exactly, not 8.69.
  t.equal(formatGrade(truncatedMean([d('8.70'), d('8.70'), d('8.70')], 2) as Decimal), '8.70');
  t.equal(formatGrade(truncatedMean([d('10'), d('10')], 2) as Decimal), '10');
  t.equal(truncatedMean([], 2), undefined);
});

t.test('format predicates', async (t) => {
  t.ok(isGrade('9.00', false));
  t.ok(isGrade('10', false));
  t.notOk(isGrade('10.00', false));
  t.ok(isGrade('10.00', true));
  t.notOk(isGrade('9.5', false));
  t.notOk(isGrade('09.50', false));
  t.notOk(isGrade('9', false));
  t.ok(isCredits('6.25'));
  t.ok(isCredits('6'));
  t.notOk(isCredits('6.'));
  t.ok(isCiclo('2019-1'));
  t.notOk(isCiclo('2019-0'));
  t.notOk(isCiclo('2019-10'));
  t.notOk(isCiclo('19-1'));
  t.equal(decDate('2024-02-29T00:00:00'), '2024-02-29');
  t.equal(decDate('2023-02-29T00:00:00'), undefined);
  t.equal(decDate('2024-02-28T00:00:01'), undefined);
});
