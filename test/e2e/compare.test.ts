import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRepositories } from '../../src/app/prove-compare.js';
import { isSonameProvide } from '../../src/rpm/compare.js';
import { sharedPath, skipUnlessShared, skipUnlessTools } from '../support/shared.js';
import { useLab } from './helpers.js';

const skip = skipUnlessTools('dnf', 'rpmbuild', 'createrepo_c', 'modifyrepo_c', 'rpm', 'gpg');

/** `dnf repoquery` on one repository directory alone, modular filtering off (Ferry compares every package). */
function repoquery(dir: string, args: string[]): string[] {
  const tmp = mkdtempSync(join(tmpdir(), 'ferry-rq-'));
  try {
    const r = spawnSync('dnf', ['-q', `--setopt=reposdir=${tmp}`, `--setopt=cachedir=${tmp}`, '--releasever=9', `--repofrompath=x,file://${dir}`, '--repo=x',
      'repoquery', '--disable-modular-filtering', '--arch=noarch,x86_64,i686,aarch64,ppc64le,s390x', ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** What dnf says of one repository: newest EVR per name.arch and the sonames the newest packages provide. */
function dnfView(dir: string): { evr: Map<string, string>; sonames: Set<string> } {
  const evr = new Map<string, string>();
  for (const l of repoquery(dir, ['--latest-limit=1', '--qf', '%{name}.%{arch} %{epoch}:%{version}-%{release}'])) {
    const [k, v] = l.split(' ');
    if (k && v) evr.set(k, v.replace(/^0:/, ''));
  }
  const sonames = new Set(repoquery(dir, ['--latest-limit=1', '--provides']).map((l) => l.split(' ')[0] ?? '').filter(isSonameProvide));
  return { evr, sonames };
}

async function checkAgainstDnf(a: string, b: string): Promise<string> {
  const ours = await compareRepositories([a], [b]);
  const da = dnfView(a);
  const db = dnfView(b);
  const onlyIn = (x: Map<string, string>, y: Map<string, string>): string[] => [...x.keys()].filter((k) => !y.has(k)).sort();
  assert.deepEqual(ours.onlyA, onlyIn(da.evr, db.evr), 'only in A');
  assert.deepEqual(ours.onlyB, onlyIn(db.evr, da.evr), 'only in B');
  const drift = [...da.evr].filter(([k, v]) => db.evr.has(k) && db.evr.get(k) !== v).map(([k, v]) => `${k} ${v} ${db.evr.get(k)}`).sort();
  assert.deepEqual(ours.versions.map((v) => `${v.package} ${v.a} ${v.b}`).sort(), drift, 'version drift');
  assert.deepEqual(ours.sonames.onlyA.map((s) => s.soname), [...da.sonames].filter((s) => !db.sonames.has(s)).sort(), 'sonames only in A');
  assert.deepEqual(ours.sonames.onlyB.map((s) => s.soname), [...db.sonames].filter((s) => !da.sonames.has(s)).sort(), 'sonames only in B');
  return JSON.stringify(ours.summary);
}

const labOf = useLab(skip);

test('compare: lab CentOS 8 vs OpenCloudOS 8 repositories agree with dnf repoquery on both', { skip }, async () => {
  const c8 = await labOf().distro('centos-8');
  const oc8 = await labOf().distro('opencloudos-8');
  const summary = await checkAgainstDnf(c8.repoDir, oc8.repoDir);
  assert.match(summary, /"newerA"|"newerB"/);
});

test('compare: CS9 BaseOS vs AppStream agree with dnf repoquery on both', { skip: skip || skipUnlessShared('repodata', 'cs9-appstream-20250113') }, async () => {
  await checkAgainstDnf(sharedPath('repodata', 'cs9-baseos-20220207'), sharedPath('repodata', 'cs9-appstream-20250113'));
});
