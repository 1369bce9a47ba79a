import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedPath, skipUnlessShared, skipUnlessTools } from '../../test/support/shared.js';
import { HOST_FACTS_FORMAT_VERSION, readPackageListFile, type HostFacts } from '../facts/index.js';
import { renderExposureCycloneDx, renderExposureText, renderFleetExposureText } from '../report/cve/index.js';
import { requireSbomModel } from '../report/sbom/index.js';
import { sbomValidators } from '../report/sbom/testing/validate.js';
import { openStore } from '../store/index.js';
import { formatEvr } from '../rpm/evr.js';
import { isModularRelease } from '../vuln/osv.js';
import { extractAlmaOsv } from '../vuln/testing.js';
import { exposureOfFacts, fleetExposure, loadOsvFeeds } from './prove-cve.js';

const skip = skipUnlessShared('security', 'almalinux-osv-database', 'advisories.tar.xz') || skipUnlessShared('manifests', 'docker-repo-info-2020', 'centos_8.txt') || skipUnlessTools('tar', 'xz', 'rpm');
const feeds = async (): Promise<Awaited<ReturnType<typeof loadOsvFeeds>>> => loadOsvFeeds(extractAlmaOsv(sharedPath('security', 'almalinux-osv-database', 'advisories.tar.xz')));
const CENTOS8 = (): string => sharedPath('manifests', 'docker-repo-info-2020', 'centos_8.txt');

test('a real CentOS 8 package list against AlmaLinux 8\'s OSV data: every finding agrees with rpm\'s own EVR comparison', { skip }, async () => {
  const f = await feeds();
  const facts = await readPackageListFile(CENTOS8());
  const e = await exposureOfFacts('centos_8', facts, { feeds: f, successor: 'almalinux' });
  assert.equal(e.coverage, 'successor-fixes');
  assert.equal(e.feed.covers.release, '8');
  assert.ok(e.totals && e.totals.advisories > 100, JSON.stringify(e.totals));
  // The oracle: rpm's own rpm.ver comparison (lua), for every (package, advisory) pair of the list and the feed.
  const alma8 = f.find((x) => x.feed.info.covers.release === '8' && x.feed.info.covers.distro === 'almalinux');
  assert.ok(alma8);
  const pairs: Array<{ key: string; lua: string }> = [];
  for (const p of facts.packages ?? []) {
    for (const a of alma8.feed.advisories) {
      const fixes = a.fixes.filter((x) => x.name === p.name && x.modular === isModularRelease(p.release));
      if (fixes.length === 0) continue;
      // A package list has no epochs: the fix's epoch is the package's (as Ferry's matcher takes it).
      const cond = fixes.map((x) => `rpm.ver("${x.fixed.epoch}:${p.version}-${p.release}") < rpm.ver("${formatEvr(x.fixed, { alwaysEpoch: true })}")`).join(' and ');
      pairs.push({ key: `${a.id} ${p.name}.${p.arch}`, lua: `if ${cond} then print("${a.id} ${p.name}.${p.arch}\\n") end` });
    }
  }
  assert.ok(pairs.length > 200);
  const r = spawnSync('rpm', ['--eval', `%{lua:\n${pairs.map((x) => x.lua).join('\n')}\n}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const byRpm = r.stdout.split('\n').filter(Boolean).sort();
  const ours = e.packages.flatMap((p) => p.advisories.map((a) => `${a} ${p.name}.${p.arch}`)).sort();
  assert.deepEqual(ours, byRpm);
  const text = renderExposureText(e);
  assert.match(text, /OSV database \(AlmaLinux:8\).*newest 20\d\d-/);
  assert.match(text, /what staying on CentOS leaves open/);
});

test('a host no feed covers is "not covered" with no count; without --successor CentOS is not covered either', { skip }, async () => {
  const f = await feeds();
  const facts = await readPackageListFile(CENTOS8());
  const other: HostFacts = { ...facts, os: { id: 'opencloudos', idLike: [], versionId: '8.6', raw: {} } };
  for (const [name, x, o] of [['oc', other, { successor: 'almalinux' }], ['c8', facts, {}]] as const) {
    const e = await exposureOfFacts(name, x, { feeds: f, ...o });
    assert.equal(e.coverage, 'not-covered');
    assert.equal(e.totals, undefined);
    const text = renderExposureText(e);
    assert.match(text, /NOT COVERED/);
    assert.doesNotMatch(text, /\b0 advisories/);
  }
});

test('fleet exposure: covered, not covered and factless hosts apart; the VEX document validates against CycloneDX 1.6', { skip: skip || skipUnlessShared('sbom-schemas') }, async () => {
  const f = await feeds();
  const c8 = await readPackageListFile(CENTOS8());
  const alma: HostFacts = { ...c8, os: { id: 'almalinux', idLike: [], versionId: '8.4', raw: {} } };
  const oc: HostFacts = { ...c8, os: { id: 'opencloudos', idLike: [], versionId: '8.6', raw: {} } };
  const dir = mkdtempSync(join(tmpdir(), 'ferry-cve-'));
  const store = await openStore(join(dir, 'store.db'));
  try {
    await store.migrate();
    for (const [name, facts] of [['alma1', alma], ['alma2', alma], ['oc1', oc]] as const) {
      await store.upsertHost({ name });
      await store.saveFactSnapshot({ hostName: name, facts: JSON.parse(JSON.stringify(facts)) });
    }
    await store.upsertHost({ name: 'new1' });
    const fl = await fleetExposure({ feeds: f, store });
    assert.deepEqual([fl.totals.hosts, fl.totals.covered, fl.totals.notCovered, fl.totals.noFacts], [4, 2, 1, 1]);
    assert.ok(fl.topAdvisories.length > 0 && fl.topAdvisories.every((a) => a.hosts === 2));
    assert.match(renderFleetExposureText(fl), /oc1: NOT COVERED/);
    const e = await exposureOfFacts('alma1', alma, { feeds: f });
    const vex = renderExposureCycloneDx(e, requireSbomModel({ ...alma, formatVersion: HOST_FACTS_FORMAT_VERSION }, { hostName: 'alma1', toolVersion: 't' }));
    assert.deepEqual(sbomValidators(sharedPath('sbom-schemas'))['cyclonedx-1.6'](vex), []);
    const vulns = vex.vulnerabilities as Array<{ id: string; affects: unknown[] }>;
    assert.equal(new Set(vulns.map((v) => v.id)).size, e.totals?.cves);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the host\'s repositories\' updateinfo is a feed of its own release: a Rocky 8 host is covered by it', { skip: skipUnlessShared('repodata', 'rocky8-updateinfo-sample') || skipUnlessTools('createrepo_c', 'modifyrepo_c') }, async () => {
  // A real repository (createrepo_c, no packages) carrying Rocky 8's real updateinfo (modifyrepo_c).
  const repo = mkdtempSync(join(tmpdir(), 'ferry-ui-'));
  for (const argv of [['createrepo_c', repo], ['modifyrepo_c', '--mdtype=updateinfo', sharedPath('repodata', 'rocky8-updateinfo-sample', 'updateinfo.xml'), join(repo, 'repodata')]]) {
    const r = spawnSync(argv[0] ?? '', argv.slice(1), { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  const pkg = (name: string, evr: string, arch = 'x86_64'): NonNullable<HostFacts['packages']>[number] => {
    const [version = '', release = ''] = evr.split('-');
    return { name, epoch: 0, version, release, arch };
  };
  const facts: HostFacts = {
    formatVersion: HOST_FACTS_FORMAT_VERSION, collectedAt: '2026-01-01T00:00:00Z', source: 'live', origin: 'r8', sections: {},
    os: { id: 'rocky', idLike: ['rhel'], versionId: '8.4', raw: {} },
    packages: [pkg('lz4-libs', '1.8.3-2.el8'), pkg('lz4', '1.8.3-3.el8_4'), pkg('kernel', '4.18.0-305.el8'), pkg('firewalld', '0.8.2-6.el8', 'noarch')],
  };
  const e = await exposureOfFacts('r8', facts, { feeds: [], repos: [repo] });
  rmSync(repo, { recursive: true, force: true });
  assert.equal(e.coverage, 'covered');
  assert.match(e.feed.id, /^updateinfo:/);
  // lz4 is at the fixed EVR; kernel is below RLSA-2021:3057; firewalld's advisory is a bug fix, not exposure.
  assert.deepEqual(e.packages.map((p) => [p.name, p.advisories, p.fixedIn]), [['kernel', ['RLSA-2021:3057'], '4.18.0-305.12.1.el8_4']]);
  assert.equal(e.packages[0]?.installable, 'no', 'an empty repository carries no fix');
});
