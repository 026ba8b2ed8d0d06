import { buildResultsXls, buildResultsPackage } from '../../src/wire/met/results-package.js';
import * as XLSX from '@e965/xlsx';
import { writeFileSync } from 'node:fs';
function rows(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    archivo: `titulo_${i}.xml`, estatus: (i % 2 ? 1 : 2) as 1 | 2,
    descripcion: i % 2 ? 'Título electrónico registrado exitosamente' : `Folio de control previamente registrado: ${String(i).padStart(4, '0')}`,
    folioControl: String(i).padStart(4, '0'),
  }));
}
buildResultsXls(rows(10));
for (const n of [1, 1000, 1000, 1000, 20000, 20000, 65535]) {
  const r = rows(n);
  const m0 = process.memoryUsage().rss; const t = performance.now();
  const b = buildResultsXls(r); const dt = performance.now() - t;
  const t2 = performance.now(); const z = await buildResultsPackage(143041, r); const dz = performance.now() - t2;
  console.log(n, 'xls', dt.toFixed(1), 'ms', b.length, 'B; zip', dz.toFixed(1), 'ms', z.length, 'B; rss', ((process.memoryUsage().rss - m0) / 1e6).toFixed(1));
  if (n === 1000) writeFileSync('/tmp/metx/r1000.xls', b);
  if (n === 1) writeFileSync('/tmp/metx/r1.xls', b);
}
const long = [{ archivo: 'á'.repeat(300), estatus: 2 as const, descripcion: 'Ñ€'.repeat(5000) + 'x'.repeat(9000), folioControl: '0001' }, ...rows(3000)];
const b = buildResultsXls(long);
writeFileSync('/tmp/metx/long.xls', b);
const wb = XLSX.read(b, { type: 'buffer' });
const ws = wb.Sheets['Resultado']!;
console.log(wb.SheetNames, wb.Props, ws['!ref'], ws['A2']?.v?.length, ws['C2']?.v === 'Ñ€'.repeat(5000) + 'x'.repeat(9000), ws['D2'], ws['B2'], ws['C3001'], ws['D3002']);
