/**
 * Isolation (issue "Prove it holds…", item 5): institution A can never read, download, cancel,
 * pay, upload to or infer institution B's lotes, títulos, folios, uploads, certificados or DGAIR
 * solicitudes, through any REST route (enumerated from the OpenAPI document and the router, so a
 * new route fails this test until it has a probe), either SOAP service or the CLI; and the QA and
 * production users of one institution cannot reach each other's environment.
 *
 * "Infer": the answer about B's existing thing must be the answer about a random id of the same
 * shape (same status, same content type, same body once the id itself and the request id are
 * blanked out).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import t from 'tap';
import { adminHeaders, buildTestApp } from '../support/app.js';
import { credentials, uploadLote } from '../support/dgair-scenario.js';
import { decFor, seedMecInstitution } from '../support/mec-scenario.js';
import { mecEnvelope } from '../support/mec-soap.js';
import { seedInstitution, tituloFor, zipOf } from '../support/met-scenario.js';
import { recordFigures } from '../support/robustness-figures.js';
import { cli } from '../cli/setup.js';

interface Targets {
  readonly numeroLoteMet: string;
  readonly numeroLoteMec: string;
  readonly folioControlTitulo: string;
  readonly folio: string;
  readonly folioControlDec: string;
  readonly folioDigitalCert: string;
  readonly numeroSolicitud: string;
  readonly folioDigitalTitulo: string;
}
type Key = keyof Targets;

let probes = 0;
let leaks = 0;

let testApp: Awaited<ReturnType<typeof buildTestApp>>;
let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
let A: Awaited<ReturnType<typeof seedInstitution>>;
let B: Awaited<ReturnType<typeof seedMecInstitution>>;
let bQa: { headers: Record<string, string> };
let bProd: { headers: Record<string, string> };
let folio: { folio: string };
let prodFolio: { folio: string };
let prodSolicitud: { numero: string };
let qaTargets: Targets;
let prodTargets: Targets;
let decZip: Buffer;
let CALLERS: Array<{ who: string; headers: Record<string, string>; targets: Targets }>;

t.test("setup: B's things in QA and production, A's users", async (t) => {
  testApp = await buildTestApp();
  app = testApp.app;
  A = await seedInstitution(testApp, '090002');
  B = await seedMecInstitution(testApp);

  // ------------------------------------------------------------------ B's things, in both environments
  bQa = { headers: credentials(B, 'qa') };
  bProd = { headers: credentials(B, 'prod') };
  const metLote = await uploadLote(t, testApp, B, await zipOf([
    { name: 'b1.xml', content: tituloFor(testApp, B, 'B-TIT-1') },
    { name: 'b2.xml', content: tituloFor(testApp, B, 'B-TIT-2') },
  ]), 2);
  const solicitud = (await app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', ...bQa, payload: { folioControl: ['B-TIT-1'] } })).json();
  folio = (await app.inject({ method: 'POST', url: '/api/v1/mec/folios', ...bQa, payload: { certificados: 1 } })).json();
  const carga = (await app.inject({
    method: 'POST',
    url: `/api/v1/mec/folios/${folio.folio}/cargas?wait=true`,
    headers: { ...bQa.headers, 'content-type': 'application/zip' },
    payload: await zipOf([{ name: 'd.xml', content: decFor(testApp, B, 'B-DEC-1') }]),
  })).json();
  const cert = (await app.inject({ method: 'GET', url: '/api/v1/mec/certificados?folioControl=B-DEC-1', ...bQa })).json().items[0];
  qaTargets = {
    numeroLoteMet: String(metLote.numeroLote),
    numeroLoteMec: String(carga.numeroLote),
    folioControlTitulo: 'B-TIT-2',
    folio: folio.folio,
    folioControlDec: 'B-DEC-1',
    folioDigitalCert: cert.folioDigital,
    numeroSolicitud: solicitud.numero,
    folioDigitalTitulo: solicitud.titulos[0].folioDigital,
  };

  const prodLote = await uploadLote(t, testApp, B, Buffer.from(tituloFor(testApp, B, 'B-TIT-P')), 1, 'prod');
  prodSolicitud = (await app.inject({ method: 'POST', url: '/api/v1/dgair/solicitudes', ...bProd, payload: { folioControl: ['B-TIT-P'] } })).json();
  await testApp.store.db.updateTable('institution').set({ mec_production_granted_at: testApp.clock.now() }).where('cve_institucion', '=', B.cveInstitucion).execute();
  prodFolio = (await app.inject({ method: 'POST', url: '/api/v1/mec/folios', ...bProd, payload: { certificados: 2 } })).json();
  prodTargets = {
    ...qaTargets, // B has no production certificate or upload: its QA ones must stay unseen from production too
    numeroLoteMet: String(prodLote.numeroLote),
    folioControlTitulo: 'B-TIT-P',
    folio: prodFolio.folio,
    numeroSolicitud: prodSolicitud.numero,
  };
  decZip = await zipOf([{ name: 'x.xml', content: decFor(testApp, B, 'B-DEC-1') }]);
  CALLERS = [
    { who: "A's QA user on B's QA things", headers: credentials(A, 'qa'), targets: qaTargets },
    { who: "A's production user on B's production things", headers: credentials(A, 'prod'), targets: prodTargets },
    { who: "B's production user on B's QA things", headers: credentials(B, 'prod'), targets: qaTargets },
    // B's QA user owns the QA upload, certificate and authenticated título: only production ids are B's others here.
    {
      who: "B's QA user on B's production things",
      headers: credentials(B, 'qa'),
      targets: { ...prodTargets, ...Object.fromEntries((['numeroLoteMec', 'folioControlDec', 'folioDigitalCert', 'folioDigitalTitulo'] as const).map((k) => [k, randomLike(k, prodTargets[k])])) },
    },
  ];
});
t.teardown(() => testApp?.close());

/** An id of the same shape that names nothing. */
function randomLike(key: Key, value: string): string {
  if (key.startsWith('folioDigital')) return randomUUID();
  if (key.startsWith('numeroLote')) return String(900_000 + randomInt(99_999));
  if (key === 'folio' || key === 'numeroSolicitud') return `${value[0]}9${String(randomInt(10 ** (value.length - 2))).padStart(value.length - 2, '0')}`;
  return `NX-${randomInt(1e6)}`;
}
const randomTargets = (targets: Targets) => Object.fromEntries(Object.entries(targets).map(([k, v]) => [k, randomLike(k as Key, v)])) as unknown as Targets;

// ------------------------------------------------------------------ the probes, per route
type Probe = (x: Targets) => InjectOptions;
const zipBody = (payload: Buffer): Pick<InjectOptions, 'headers' | 'payload'> => ({ headers: { 'content-type': 'application/zip' }, payload });

/**
 * Every institution route must be listed: with the probes that aim it at B's things, as a listing
 * whose answer must name none of them, as one that only creates the caller's own, or as public.
 */
const ROUTES: Record<string, { probes?: Probe[]; filters?: Probe[]; listing?: InjectOptions; ownOnly?: string; public?: string }> = {
  'POST /api/v1/met/lotes': { ownOnly: 'uploads a lote of the caller: no id of another to aim at' },
  'GET /api/v1/met/lotes/{numeroLote}': { probes: [(x) => ({ method: 'GET', url: `/api/v1/met/lotes/${x.numeroLoteMet}` }), (x) => ({ method: 'GET', url: `/api/v1/met/lotes/${x.numeroLoteMec}` })] },
  'GET /api/v1/met/lotes/{numeroLote}/resultado': { probes: [(x) => ({ method: 'GET', url: `/api/v1/met/lotes/${x.numeroLoteMet}/resultado` })] },
  'GET /api/v1/met/titulos/{folioControl}': { probes: [(x) => ({ method: 'GET', url: `/api/v1/met/titulos/${x.folioControlTitulo}` })] },
  'POST /api/v1/met/titulos/{folioControl}/cancelacion': { probes: [(x) => ({ method: 'POST', url: `/api/v1/met/titulos/${x.folioControlTitulo}/cancelacion`, payload: { motCancelacion: 'R1' } })] },
  'POST /api/v1/mec/folios': { ownOnly: 'opens a folio of the caller' },
  'GET /api/v1/mec/folios': { listing: { method: 'GET', url: '/api/v1/mec/folios' } },
  'GET /api/v1/mec/folios/{folio}': { probes: [(x) => ({ method: 'GET', url: `/api/v1/mec/folios/${x.folio}` })] },
  'POST /api/v1/mec/folios/{folio}/pago': { probes: [(x) => ({ method: 'POST', url: `/api/v1/mec/folios/${x.folio}/pago`, payload: { metodo: 'tarjeta' } })] },
  'POST /api/v1/mec/folios/{folio}/cargas': {
    probes: [(x) => ({ method: 'POST', url: `/api/v1/mec/folios/${x.folio}/cargas`, ...zipBody(decZip) }), (x) => ({ method: 'POST', url: `/api/v1/mec/folios/${x.folio}/cargas`, ...zipBody(Buffer.from('PK')) })],
  },
  'GET /api/v1/mec/cargas/{numeroLote}': { probes: [(x) => ({ method: 'GET', url: `/api/v1/mec/cargas/${x.numeroLoteMec}` }), (x) => ({ method: 'GET', url: `/api/v1/mec/cargas/${x.numeroLoteMet}` })] },
  'GET /api/v1/mec/cargas/{numeroLote}/errores.{formato}': {
    probes: [(x) => ({ method: 'GET', url: `/api/v1/mec/cargas/${x.numeroLoteMec}/errores.csv` }), (x) => ({ method: 'GET', url: `/api/v1/mec/cargas/${x.numeroLoteMec}/errores.xlsx` })],
  },
  'GET /api/v1/mec/verificacion/{folioDigital}': { public: "the printed certificate's QR target: a random UUID only its holder knows" },
  'GET /api/v1/mec/certificados': {
    listing: { method: 'GET', url: '/api/v1/mec/certificados' },
    filters: [(x) => ({ method: 'GET', url: `/api/v1/mec/certificados?folioControl=${x.folioControlDec}` }), (x) => ({ method: 'GET', url: `/api/v1/mec/certificados?folio=${x.folio}` })],
  },
  'POST /api/v1/mec/cancelaciones': {
    probes: [
      (x) => ({ method: 'POST', url: '/api/v1/mec/cancelaciones', payload: { folioDigital: x.folioDigitalCert } }),
      (x) => ({ method: 'POST', url: '/api/v1/mec/cancelaciones', payload: { folioControl: x.folioControlDec } }),
      (x) => ({ method: 'POST', url: '/api/v1/mec/cancelaciones', payload: { folio: x.folio } }),
    ],
  },
  'GET /api/v1/mec/certificados/{folioDigital}.{formato}': {
    probes: [(x) => ({ method: 'GET', url: `/api/v1/mec/certificados/${x.folioDigitalCert}.xml` }), (x) => ({ method: 'GET', url: `/api/v1/mec/certificados/${x.folioDigitalCert}.pdf` })],
  },
  'POST /api/v1/dgair/solicitudes': { probes: [(x) => ({ method: 'POST', url: '/api/v1/dgair/solicitudes', payload: { folioControl: [x.folioControlTitulo] } })] },
  'GET /api/v1/dgair/solicitudes': { listing: { method: 'GET', url: '/api/v1/dgair/solicitudes' } },
  'GET /api/v1/dgair/solicitudes/{numero}': { probes: [(x) => ({ method: 'GET', url: `/api/v1/dgair/solicitudes/${x.numeroSolicitud}` })] },
  'POST /api/v1/dgair/solicitudes/{numero}/pago': { probes: [(x) => ({ method: 'POST', url: `/api/v1/dgair/solicitudes/${x.numeroSolicitud}/pago`, payload: { metodo: 'tarjeta' } })] },
  'GET /api/v1/dgair/solicitudes/{numero}/titulos.zip': { probes: [(x) => ({ method: 'GET', url: `/api/v1/dgair/solicitudes/${x.numeroSolicitud}/titulos.zip` })] },
  'GET /api/v1/dgair/solicitudes/{numero}/constancias.zip': { probes: [(x) => ({ method: 'GET', url: `/api/v1/dgair/solicitudes/${x.numeroSolicitud}/constancias.zip` })] },
  'GET /api/v1/dgair/titulos/{folioDigital}.{formato}': {
    probes: [(x) => ({ method: 'GET', url: `/api/v1/dgair/titulos/${x.folioDigitalTitulo}.xml` }), (x) => ({ method: 'GET', url: `/api/v1/dgair/titulos/${x.folioDigitalTitulo}.pdf` })],
  },
  'GET /api/v1/dgair/verificacion/{folioDigital}': { public: "the constancia's QR target: a random UUID only its holder knows" },
};

/** What a caller can tell apart: status, content type, body with the probed id and the request id blanked. */
function seen(response: LightMyRequestResponse, id: string) {
  return {
    status: response.statusCode,
    type: response.headers['content-type'],
    body: response.body.split(id).join('<ID>').replace(/"requestId":"[^"]*"/, '"requestId":"…"'),
  };
}

/** The ids a probe names (to blank them from the answers). */
const idsIn = (probe: Probe, x: Targets) => (Object.values(x) as string[]).filter((v) => JSON.stringify(probe(x)).includes(v));


t.test('every institution route is in the OpenAPI document and has a probe', async (t) => {
  const spec = app.swagger() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  const documented = Object.entries(spec.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })));
  const institution = documented.filter(({ key }) => /^\S+ \/api\/v1\/(met|mec|dgair)\//.test(key));
  t.same(institution.map(({ key }) => key).sort(), Object.keys(ROUTES).sort(), 'ROUTES lists exactly the institution routes (add a probe for a new one)');
  for (const { key, op } of institution) {
    t.equal(!op.security?.length, Boolean(ROUTES[key]?.public), `${key}: ${ROUTES[key]?.public ? 'public by design' : 'needs the web-service credentials'}`);
  }
  // The router itself: no hidden institution route escapes the OpenAPI document.
  const routed = routerPaths(app.printRoutes({ commonPrefix: false })).filter((p) => /^\/api\/v1\/(met|mec|dgair)\//.test(p));
  const documentedPaths = new Set(institution.map(({ key }) => key.split(' ')[1]!.replace(/\{(\w+)\}/g, ':$1')));
  t.same(routed.filter((p) => !documentedPaths.has(p)), [], 'every routed institution path is documented');
  t.ok(routed.length >= 20, `${routed.length} institution paths in the router`);
});

t.test('REST: B\'s things answer exactly like random ids, for every probe and caller', async (t) => {
  for (const caller of CALLERS) {
    const random = randomTargets(caller.targets);
    for (const [route, spec] of Object.entries(ROUTES)) {
      // A filter answers 200 with an empty page; a probe must be refused. Both exactly as for a random id.
      const aimed = [...(spec.probes ?? []).map((p) => ({ probe: p, filter: false })), ...(spec.filters ?? []).map((p) => ({ probe: p, filter: true }))];
      for (const { probe, filter } of aimed) {
        const real = probe(caller.targets);
        const fake = probe(random);
        const [a, b] = await Promise.all([real, fake].map((p) => app.inject({ ...p, headers: { ...caller.headers, ...(p.headers as object) } })));
        const aSeen = idsIn(probe, caller.targets).reduce((s, id) => ({ ...s, body: s.body.split(id).join('<ID>') }), seen(a!, '\u0000'));
        const bSeen = idsIn(probe, random).reduce((s, id) => ({ ...s, body: s.body.split(id).join('<ID>') }), seen(b!, '\u0000'));
        probes++;
        const leaked = (!filter && a!.statusCode < 300) || JSON.stringify(aSeen) !== JSON.stringify(bSeen);
        if (leaked) leaks++;
        t.same(aSeen, bSeen, `${caller.who}: ${route} (${real.url}) answers as a random id`);
        if (filter) t.match(a!.json(), { items: [] }, `${caller.who}: ${real.url} lists nothing`);
        else t.ok(a!.statusCode >= 400, `${caller.who}: ${real.method} ${real.url} refused (${a!.statusCode})`);
      }
      if (spec.listing) {
        const list = await app.inject({ ...spec.listing, headers: caller.headers });
        probes++;
        const named = (Object.values(caller.targets) as string[]).filter((id) => list.body.includes(id));
        if (list.statusCode !== 200 || named.length > 0) leaks++;
        t.same(named, [], `${caller.who}: ${route} names none of them`);
      }
    }
  }
});

/** SOAP: the same comparison on both services, through the real endpoint. */
t.test('SOAP: consulta, descarga, cancela, consultaFolio and carga of B\'s things answer like random ids', async (t) => {
  const operations: Array<{ service: 'met' | 'mec'; op: string; inner: (x: Targets) => string }> = [
    { service: 'met', op: 'consultaProcesoTituloElectronico', inner: (x) => `<sch:numeroLote>${x.numeroLoteMet}</sch:numeroLote>` },
    { service: 'met', op: 'descargaTituloElectronico', inner: (x) => `<sch:numeroLote>${x.numeroLoteMet}</sch:numeroLote>` },
    { service: 'met', op: 'cancelaTituloElectronico', inner: (x) => `<sch:folioControl>${x.folioControlTitulo}</sch:folioControl><sch:motCancelacion>R1</sch:motCancelacion>` },
    { service: 'mec', op: 'consultaProcesoCertificadoElectronico', inner: (x) => `<sch:numeroLote>${x.numeroLoteMec}</sch:numeroLote>` },
    { service: 'mec', op: 'descargaCertificadoElectronico', inner: (x) => `<sch:numeroLote>${x.numeroLoteMec}</sch:numeroLote>` },
    { service: 'mec', op: 'consultaFolio', inner: (x) => `<sch:folio>${x.folio}</sch:folio>` },
    { service: 'mec', op: 'cargaCertificadoElectronico', inner: (x) => `<sch:folio>${x.folio}</sch:folio><sch:nombreArchivo>b.zip</sch:nombreArchivo><sch:archivoBase64>${decZip.toString('base64')}</sch:archivoBase64>` },
    { service: 'mec', op: 'cancelaCertificadoElectronico', inner: (x) => `<sch:folioControl>${x.folioControlDec}</sch:folioControl>` },
  ];
  for (const caller of CALLERS) {
    const random = randomTargets(caller.targets);
    const [usuario, password] = Buffer.from(caller.headers.authorization!.slice(6), 'base64').toString().split(':') as [string, string];
    for (const { service, op, inner } of operations) {
      const send = (x: Targets) => app.inject({ method: 'POST', url: `/${service}-ws/services/`, headers: { 'content-type': 'text/xml' }, payload: mecEnvelope(op, inner(x), usuario, password) });
      const blank = (body: string, x: Targets) => (Object.values(x) as string[]).reduce((s, id) => s.split(id).join('<ID>'), body);
      const [real, fake] = [await send(caller.targets), await send(random)];
      probes++;
      const same = real.statusCode === fake.statusCode && blank(real.body, caller.targets) === blank(fake.body, random);
      // Besides the comparison: never a lote for a carga, a PROCESADO, a cancellation or a package.
      if (!same || (op.startsWith('carga') && /<numeroLote>/.test(real.body)) || /<estatusLote>1|<codigo>0<|Base64>[^<]/.test(real.body)) leaks++;
      t.notMatch(real.body, /<estatusLote>1|<codigo>0<|Base64>[^<]/, `${caller.who}: ${op} gives nothing away`);
      t.equal(blank(real.body, caller.targets), blank(fake.body, random), `${caller.who}: ${op} answers as a random id`);
    }
  }
});

t.test('CLI (over REST): status, download, folio status, mec-status, certificado, mec-cancel', async (t) => {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const dir = mkdtempSync(join(tmpdir(), 'metmec-isolation-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const commands: Array<(x: Targets) => string[]> = [
    (x) => ['status', x.numeroLoteMet],
    (x) => ['download', x.numeroLoteMet, '--out', join(dir, 'r.zip')],
    (x) => ['folio', 'status', x.folio],
    (x) => ['mec-status', x.numeroLoteMec],
    (x) => ['certificado', x.folioDigitalCert, '--out', join(dir, 'c.xml')],
    (x) => ['certificado', '--folio-control', x.folioControlDec, '--out', join(dir, 'c.xml')],
    (x) => ['mec-cancel', '--folio-control', x.folioControlDec],
    (x) => ['mec-cancel', '--folio-digital', x.folioDigitalCert],
  ];
  for (const caller of CALLERS) {
    const random = randomTargets(caller.targets);
    const [usuario, password] = Buffer.from(caller.headers.authorization!.slice(6), 'base64').toString().split(':') as [string, string];
    const run = (args: string[]) => cli(...args, '--url', address, '--usuario', usuario, '--password', password);
    const blank = (out: string, x: Targets) => (Object.values(x) as string[]).reduce((s, id) => s.split(id).join('<ID>'), out).replace(/request(Id)? [\w-]+/gi, 'request …');
    for (const command of commands) {
      const real = await run(command(caller.targets));
      const fake = await run(command(random));
      probes++;
      if (real.code === 0 || real.code !== fake.code || blank(real.out, caller.targets) !== blank(fake.out, random)) leaks++;
      t.not(real.code, 0, `${caller.who}: metmec ${command(caller.targets).join(' ')} fails`);
      t.same({ code: real.code, out: blank(real.out, caller.targets) }, { code: fake.code, out: blank(fake.out, random) }, `${caller.who}: ${command(caller.targets)[0]} answers as a random id`);
    }
  }
});

t.test("B's things are untouched after every probe", async (t) => {
  const titulo = (await app.inject({ method: 'GET', url: '/api/v1/met/titulos/B-TIT-2', ...bQa })).json();
  t.equal(titulo.registrations[0].status, 'registered', 'B-TIT-2 not cancelled');
  const prodTitulo = (await app.inject({ method: 'GET', url: '/api/v1/met/titulos/B-TIT-P', ...bProd })).json();
  t.equal(prodTitulo.registrations[0].status, 'registered', 'B-TIT-P not cancelled');
  const certificado = (await app.inject({ method: 'GET', url: '/api/v1/mec/certificados?folioControl=B-DEC-1', ...bQa })).json().items[0];
  t.equal(certificado.estatus, 'autenticado', 'B-DEC-1 not cancelled');
  const qaFolio = (await app.inject({ method: 'GET', url: `/api/v1/mec/folios/${folio.folio}`, ...bQa })).json();
  t.match(qaFolio, { attempts: { used: 1 } }, 'no attempt spent on the QA folio');
  const paid = (await app.inject({ method: 'GET', url: `/api/v1/mec/folios/${prodFolio.folio}`, ...bProd })).json();
  t.match(paid, { state: 'pending-payment', attempts: { used: 0 }, payment: { method: null } }, 'the production folio is neither paid nor used');
  const prodSol = (await app.inject({ method: 'GET', url: `/api/v1/dgair/solicitudes/${prodSolicitud.numero}`, ...bProd })).json();
  t.match(prodSol, { state: 'pending-payment', payment: { method: null } }, 'the production solicitud is not paid');
  const a = (await app.inject({ method: 'GET', url: '/api/v1/admin/dgair/solicitudes?cveInstitucion=090002', headers: adminHeaders() })).json();
  t.same(a.items, [], 'A asked for no solicitud of its own by naming B\'s folios');
  t.ok(probes > 100, `${probes} isolation probes`);
  t.equal(leaks, 0, 'no leak');
});

t.teardown(() => recordFigures('isolation', { isolationProbes: probes, isolationLeaks: leaks }));

/** Full paths of Fastify's printRoutes({ commonPrefix: false }) tree (each line: indent, branch, segment, methods). */
function routerPaths(tree: string): string[] {
  const stack: string[] = [];
  const paths: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    if (match[3]) paths.push(stack.join(''));
  }
  return paths;
}
