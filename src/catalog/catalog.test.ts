import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, mkdtempSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { sharedPath, skipUnlessShared, SHARED_DATA } from '../../test/support/shared.js';
import { isFerryError } from '../core/index.js';
import { loadCatalog, catalogDigest, recordValidatedCatalog, defaultDataDir, isCrossMajor, targetRelease, validateDataFile, DATA_FILES, type DataFileName } from './index.js';

const catalog = loadCatalog();
const dataDir = defaultDataDir();
const RESEARCH = join(SHARED_DATA, '..', 'research', 'successor-facts.md');
const read = (name: string): unknown => JSON.parse(readFileSync(join(dataDir, name), 'utf8'));

test('every data file validates against its schema', () => {
  for (const name of Object.keys(DATA_FILES) as DataFileName[]) assert.deepEqual(validateDataFile(name, read(name)), [], name);
});

test('a schema violation is reported with its file and JSON path', () => {
  const releases = read('releases.json') as { releases: { ga: unknown; id: string }[] };
  releases.releases[1].ga = { value: '2014-07-07', source: null };
  releases.releases[2].id = 'Bad Id';
  const errors = validateDataFile('releases.json', releases);
  assert.ok(errors.some((e) => e.startsWith('releases.json: /releases/1/ga')), errors.join('\n'));
  assert.ok(errors.some((e) => e.startsWith('releases.json: /releases/2/id')), errors.join('\n'));
});

test('every fact has a source, or a null value with a note saying why', () => {
  const missing: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${path}/${i}`));
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if ('value' in o) {
      const ok = typeof o.source === 'string' ? catalog.sources().some((s) => s.id === o.source) : o.value === null && typeof o.note === 'string' && o.note.length > 0;
      if (!ok) missing.push(path);
    }
    for (const [k, v] of Object.entries(o)) if (k !== 'value') walk(v, `${path}/${k}`);
  };
  for (const name of Object.keys(DATA_FILES)) walk(read(name), name);
  // Package lists, paths and maps carry a `source` on each entry.
  for (const r of catalog.releases()) for (const p of catalog.vendorPackages(r.id)) if (!p.source) missing.push(`vendor ${p.name}`);
  for (const p of catalog.paths()) if (!p.source) missing.push(`path ${p.from}->${p.to}`);
  assert.deepEqual(missing, []);
  // And the check itself bites: a fact with a value but no source is caught by the schema.
  assert.ok(validateDataFile('releases.json', { ...(read('releases.json') as object), releases: [{ ...(read('releases.json') as { releases: object[] }).releases[0], kernel: { value: '3.10', source: null, note: 'memory' } }] }).length > 0);
});

test('every shared-data source exists under ../shared/data', { skip: existsSync(SHARED_DATA) ? false : 'shared data absent' }, () => {
  for (const s of catalog.sources().filter((x) => x.kind === 'shared')) assert.ok(existsSync(sharedPath(s.path ?? '')), `${s.id}: ${s.path}`);
});

test('the issue\'s releases are all present', () => {
  for (const id of ['centos-6', 'centos-7', 'centos-8', 'centos-stream-8', 'centos-stream-9', 'centos-stream-10', 'rhel-7', 'rhel-8', 'rhel-9', 'rhel-10',
    'rocky-8', 'rocky-9', 'rocky-10', 'almalinux-8', 'almalinux-9', 'almalinux-10', 'oraclelinux-7', 'oraclelinux-8', 'oraclelinux-9', 'opencloudos-7.9',
    'opencloudos-8', 'opencloudos-9', 'tencentos-2.4', 'tencentos-3.1', 'tencentos-4', 'openeuler-20.03', 'openeuler-22.03', 'openeuler-24.03', 'anolis-7', 'anolis-8', 'eurolinux-8'])
    assert.ok(catalog.hasRelease(id), id);
});

test('lifecycle dates agree with endoflife.date for every release it covers', { skip: skipUnlessShared('lifecycle', 'lifecycle-extract.json') }, () => {
  const extract = JSON.parse(readFileSync(sharedPath('lifecycle', 'lifecycle-extract.json'), 'utf8')) as Record<string, { releases: Record<string, string>[] }>;
  const product: Record<string, string> = { centos: 'centos', 'centos-stream': 'centos-stream', rhel: 'rhel', rocky: 'rocky-linux', almalinux: 'almalinux', oraclelinux: 'oracle-linux', eurolinux: 'eurolinux' };
  let checked = 0;
  for (const r of catalog.releases()) {
    const p = product[r.distribution];
    const e = p ? extract[p].releases.find((x) => x.releaseCycle === r.version) : undefined;
    if (!e) continue;
    const v = (x: string | undefined) => (x === undefined || x === 'False' ? null : x);
    assert.equal(r.ga.value, e.releaseDate, `${r.id} ga`);
    assert.equal(r.eol.value, v(e.eol), `${r.id} eol`);
    assert.equal(r.eolFull.value, v(e.eoas), `${r.id} eolFull`);
    assert.equal(r.eolExtended.value, v(e.eoes), `${r.id} eolExtended`);
    checked++;
  }
  assert.ok(checked >= 22, `${checked} releases checked`);
});

test('GPG fingerprints agree with distribution-gpg-keys fingerprints.tsv', { skip: skipUnlessShared('gpg-keys', 'fingerprints.tsv') }, () => {
  const rows = readFileSync(sharedPath('gpg-keys', 'fingerprints.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  let checked = 0;
  for (const kf of catalog.gpgKeyFiles()) {
    const expected = rows.filter((r) => r[0].endsWith(`/${kf.file}`)).map((r) => r[5]).sort();
    assert.deepEqual(kf.keys.map((k) => k.fingerprint).sort(), expected, kf.file);
    checked += expected.length;
  }
  assert.ok(checked >= 80, `${checked}`);
  assert.deepEqual(catalog.gpgKeys('rocky-8').files.map((f) => f.file), ['RPM-GPG-KEY-Rocky-8']);
  assert.equal(catalog.gpgKeys('centos-7').files[0].keys[0].fingerprint, '6341AB2753D78A78A7C27BB124C6A8A7F4A80EB5');
});

test('release(): unknown ids throw CATALOG_UNKNOWN_RELEASE with close matches', () => {
  assert.throws(() => catalog.release('rocky8'), (err) => isFerryError(err, 'CATALOG_UNKNOWN_RELEASE') && /rocky-8/.test(err.message));
  assert.equal(catalog.release('centos-8').modulePlatformId.value, 'platform:el8');
});

test('lifecycle(release, today) with an injected date', () => {
  assert.equal(catalog.lifecycle('centos-7', '2026-11-23').phase, 'eol');
  assert.equal(catalog.lifecycle('centos-7', '2020-01-01').phase, 'full');
  assert.equal(catalog.lifecycle('centos-7', '2022-01-01').phase, 'maintenance');
  assert.equal(catalog.lifecycle('rocky-9', '2026-11-23').phase, 'full');
  assert.equal(catalog.lifecycle('oraclelinux-7', '2026-11-23').phase, 'extended');
  assert.equal(catalog.lifecycle('openeuler-22.03', '2026-11-23').phase, 'eol');
  assert.equal(catalog.lifecycle('opencloudos-7.9', '2026-11-23').phase, 'unknown');
  // a month-only end ("2029-12") reads as the month's last day, as a day-precise end would
  assert.equal(catalog.lifecycle('opencloudos-8', '2029-12-30').phase, 'maintenance');
  assert.equal(catalog.lifecycle('opencloudos-8', '2029-12-31').phase, 'eol');
});

test('every successor release the research dates has its dates; the ones it did not find say so', () => {
  const dated = ['opencloudos-8', 'opencloudos-9', 'tencentos-2.4', 'tencentos-3.1', 'tencentos-3.2', 'tencentos-3.3', 'tencentos-4', 'anolis-7', 'anolis-8', 'anolis-23',
    ...['20.03', '22.03', '24.03'].flatMap((v) => [`openeuler-${v}`, ...[1, 2, 3, 4].map((n) => `openeuler-${v}-sp${n}`)])];
  for (const id of dated) assert.ok(catalog.release(id).eol.value, `${id} has an end of life`);
  for (const id of ['opencloudos-7.9', 'opencloudos-stream']) {
    const r = catalog.release(id);
    assert.equal(r.eol.value, null, id);
    assert.match(r.eol.note ?? '', /not found by the research/, id);
  }
});

test('conflicting sources: every value is kept with its source, and the rule picks the most authoritative', () => {
  const rank = { vendor: 3, packaging: 2, observed: 1, fixture: 0 } as const;
  const authority = (id: string): number => rank[catalog.source(id).authority ?? 'observed'];
  let conflicts = 0;
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${path}/${i}`));
    if (!node || typeof node !== 'object') return;
    const o = node as { value?: unknown; source?: string; alternatives?: { value: unknown; source: string }[]; rule?: string };
    if (o.alternatives) {
      conflicts++;
      assert.ok(o.rule && o.source, path);
      for (const a of o.alternatives) {
        assert.notDeepEqual(a.value, o.value, `${path}: an alternative disagrees`);
        assert.ok(authority(a.source) <= authority(o.source), `${path}: ${a.source} outranks the chosen ${o.source}`);
      }
    }
    for (const [k, v] of Object.entries(o)) if (k !== 'value') walk(v, `${path}/${k}`);
  };
  walk(read('releases.json'), 'releases.json');
  assert.ok(conflicts >= 5, `${conflicts} conflicts`);
  const eol = catalog.release('opencloudos-8').eol;
  assert.equal(eol.value, '2029-12');
  assert.equal(eol.source, 'tencent:maintenance-plan@15de10e');
  assert.deepEqual(eol.alternatives?.map((a) => [a.value, a.source]), [['2029-05-31', 'endoflife:opencloudos'], ['2029-05-31', 'pep600:opencloudos'], ['2029-05-31', 'relay:asset-store-readme']]);
  // TencentOS Server 2: two vendor pages disagree and are not ordered against each other: the earlier date
  const ts2 = catalog.release('tencentos-2.4').eol;
  assert.equal(ts2.value, '2024-12-31');
  assert.deepEqual(ts2.alternatives?.map((a) => a.value).sort(), ['2027-12-31', '2032-12-31']);
  assert.equal(catalog.release('tencentos-3.1').modulePlatformId.value, 'platform:el8', 'observed on a host over a test fixture');
});

test('every research source names its key in ../shared/research/successor-facts.md', { skip: existsSync(RESEARCH) ? false : `${RESEARCH} is absent` }, () => {
  const text = readFileSync(RESEARCH, 'utf8');
  const research = catalog.sources().filter((s) => s.research);
  assert.ok(research.length >= 30, `${research.length} sources`);
  // S-keys are rows of its source key table; ref-NNNN keys are cited in its fact rows
  for (const s of research) assert.ok(text.includes(s.research?.startsWith('ref-') ? s.research : `| ${s.research} |`), `${s.id}: ${s.research}`);
  for (const s of research.filter((x) => x.kind === 'ref')) assert.ok(s.ref && text.includes(s.ref), `${s.id}: ${s.ref}`);
});

test('paths, vendor map and repos', () => {
  assert.deepEqual(catalog.paths({ from: 'centos-8' }).map((p) => p.to).sort(), ['almalinux-8', 'almalinux-9', 'centos-stream-9', 'opencloudos-8', 'oraclelinux-8', 'rocky-8', 'rocky-9', 'tencentos-3.1']);
  const m = catalog.vendorMap('centos-8', 'rocky-8');
  assert.deepEqual(m.find((e) => e.role === 'logos'), { role: 'logos', from: ['centos-logos'], to: ['rocky-logos'], sources: ['code:almalinux-deploy', 'code:migrate2rocky'] });
  const cross = catalog.vendorMap('centos-7', 'rocky-8').find((e) => e.from[0] === 'centos-logos');
  assert.deepEqual(cross?.to, ['rocky-logos', 'rocky-logos-httpd', 'rocky-backgrounds']);
  const repos = catalog.repos('rocky-8')?.repos ?? [];
  assert.ok(repos.some((r) => r.id === 'powertools' && r.mirrorlist?.includes('repo=PowerTools-$releasever')));
});

test('cross-major paths: each with its source, the minor it lands on (PES is applied up to it) and a repomap where Leapp data has one', () => {
  // [from, to, source, targetVersion, repomap file or null]
  const rows: [string, string, string, string, string | null][] = [
    ['centos-7', 'rocky-8', 'pes:rocky', '8.10', 'leapp/almalinux-leapp-data-HEAD/files/rocky/repomap.json.el8'],
    ['centos-7', 'almalinux-8', 'pes:almalinux', '8.10', 'leapp/almalinux-leapp-data-HEAD/files/almalinux/repomap.json.el8'],
    ['centos-7', 'opencloudos-8', 'url:oc-c7-to-oc8', '8.6', null],
    ['rocky-8', 'rocky-9', 'leapp-repomap:rocky-el9', '9.6', 'leapp/almalinux-leapp-data-HEAD/files/rocky/repomap.json.el9'],
    ['rocky-8', 'almalinux-9', 'leapp-repomap:almalinux-el9', '9.6', 'leapp/almalinux-leapp-data-HEAD/files/almalinux/repomap.json.el9'],
    ['centos-8', 'rocky-9', 'leapp-repomap:rocky-el9', '9.6', 'leapp/almalinux-leapp-data-HEAD/files/rocky/repomap.json.el9'],
    ['centos-stream-8', 'centos-stream-9', 'leapp-repomap:centos-el9', '', 'leapp/almalinux-leapp-data-HEAD/files/centos/repomap.json.el9'],
    ['almalinux-8', 'almalinux-9', 'leapp-repomap:almalinux-el9', '9.6', 'leapp/almalinux-leapp-data-HEAD/files/almalinux/repomap.json.el9'],
    ['opencloudos-8', 'opencloudos-9', 'opencloudos:oc8-to-oc9', '9.2', null],
  ];
  for (const [from, to, source, version, repomap] of rows) {
    const p = catalog.path(from, to);
    assert.ok(p && isCrossMajor(p), `${from} → ${to}`);
    assert.equal(p.source, source, `${from} → ${to}`);
    assert.equal(p.targetVersion?.value ?? '', version, `${from} → ${to}`);
    if (p.targetVersion) assert.ok(catalog.sources().some((s) => s.id === p.targetVersion?.source), `${from} → ${to}: ${p.targetVersion.source}`);
    assert.deepEqual(catalog.repoMapRefs(from, to).map((m) => m.file), repomap ? [repomap] : [], `${from} → ${to}`);
  }
  // leapp-data has no el9 repomap for Oracle Linux and its ol8_* repoids are in no other: no Oracle 8 → 9 path
  assert.deepEqual(catalog.paths({ from: 'oraclelinux-8' }).filter(isCrossMajor), []);
  assert.deepEqual(catalog.paths({ from: 'rocky-8' }).filter(isCrossMajor).map((p) => p.to).sort(), ['almalinux-9', 'centos-stream-9', 'rocky-9']);
});

test('CentOS 7 same-major paths to the successors: each with its source, its authority and the vendor\'s blockers', () => {
  // [to, source, authority of the source, blocker checks]
  const rows: [string, string, string, string[]][] = [
    ['opencloudos-7.9', 'opencloudos:centos7-to-oc7', 'vendor', ['gui', 'i686-packages']],
    ['tencentos-2.4', 'url:tencent-centos-replace', '', ['gui', 'i686-packages']],
    // only a third-party how-to documents centos2anolis: the path says so, and names no blocker
    ['anolis-7', 'observed:centos2anolis-howto', 'observed', []],
    ['oraclelinux-7', 'code:centos2ol-readme', '', []],
  ];
  for (const [to, source, authority, blockers] of rows) {
    const p = catalog.path('centos-7', to);
    assert.ok(p, to);
    assert.equal(p.method, 'same-major-swap', to);
    assert.equal(p.source, source, to);
    if (authority) assert.equal(catalog.source(source).authority, authority, to);
    assert.deepEqual((p.blockers ?? []).map((b) => b.check), blockers, to);
    for (const b of p.blockers ?? []) assert.ok(catalog.source(b.source), `${to}: ${b.check} cites ${b.source}`);
  }
  assert.match(catalog.path('centos-7', 'anolis-7')?.note ?? '', /third-party how-to only/);
  assert.deepEqual(catalog.vendorPackages('anolis-7').map((v) => [v.role, v.name, v.source]), [['release', 'anolis-release', 'mock:anolis-7']]);
});

test('loadCatalog on a broken data directory throws CATALOG_INVALID naming the file and path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-catalog-'));
  cpSync(dataDir, dir, { recursive: true });
  const paths = read('paths.json') as { paths: { source: string }[] };
  paths.paths[0].source = 'no-such-source';
  writeFileSync(join(dir, 'paths.json'), JSON.stringify(paths));
  assert.throws(() => loadCatalog({ dataDir: dir }), (err) => isFerryError(err, 'CATALOG_INVALID') && /paths\.json: \/paths\/0\/source: unknown source "no-such-source"/.test(err.message));
});

test('a data directory whose bytes were validated and recorded skips the schema validation; any change is validated again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-catalog-'));
  try {
    cpSync(dataDir, dir, { recursive: true });
    rmSync(join(dir, 'validated.json'), { force: true });
    recordValidatedCatalog(dir);
    assert.equal((JSON.parse(readFileSync(join(dir, 'validated.json'), 'utf8')) as { digest: string }).digest, catalogDigest(dir));
    assert.equal(loadCatalog({ dataDir: dir }).release('rocky-8').id, 'rocky-8');
    // A property the schema refuses (sources.json's entries allow no others); the cross-references still hold.
    const sources = read('sources.json') as { sources: Record<string, unknown>[] };
    sources.sources[0].unexpected = true;
    writeFileSync(join(dir, 'sources.json'), JSON.stringify(sources));
    const refused = (err: unknown): boolean => isFerryError(err, 'CATALOG_INVALID') && /sources\.json: \/sources\/0: must NOT have additional properties \(unexpected\)/.test(err.message);
    assert.throws(() => loadCatalog({ dataDir: dir }), refused);
    assert.throws(() => recordValidatedCatalog(dir), refused);
    // Recorded as if validated (by hand): the schemas are not run on these bytes, the cross-references are.
    writeFileSync(join(dir, 'validated.json'), JSON.stringify({ digest: catalogDigest(dir) }));
    assert.equal(loadCatalog({ dataDir: dir }).release('rocky-8').id, 'rocky-8');
    writeFileSync(join(dir, 'validated.json'), '{"digest": "sha256:0"}');
    assert.throws(() => loadCatalog({ dataDir: dir }), refused);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('targetRelease: a known id is its release; an unknown one is TARGET_UNKNOWN naming the close matches', () => {
  const catalog = loadCatalog();
  assert.equal(targetRelease(catalog, 'rocky-8').id, 'rocky-8');
  assert.throws(() => targetRelease(catalog, 'roky-8'), (e: unknown) => isFerryError(e, 'TARGET_UNKNOWN') && /did you mean .*rocky-8/.test(e.message));
});
