// CentOS 7 same-major paths on lab roots, with the same tool on both sides:
//  - → Oracle Linux 7 (oracle/centos2ol) and → Anolis OS 7 (centos2anolis, documented by a third-party how-to;
//    the catalog says so): Ferry's plan swaps what the catalog's sources swap, the migration verifies, and the
//    final package set equals the by-hand dnf recipe;
//  - the OpenCloudOS 7.9 / TencentOS 2.4 guides' blockers ("安装了图形界面", "安装了 i686 的 rpm 包"): a CentOS 7
//    host with glibc.i686 or a graphical default target is refused by `ferry assess` (quoting the vendor) and by
//    `ferry plan` (PLAN_INHIBITED).
// The lab drives dnf --installroot; a live EL7 host has yum, not dnf (see README).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Assessment } from '../../src/assess/types.js';
import { createLab, type Lab, type LabHost } from '../lab/lab.js';
import { skipUnlessTools } from '../support/shared.js';
import { migrate } from '../../src/app/migrate.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { makeGraphical } from './checks-fixtures.js';
import { assessJson, ferry, targetOf } from './cli.js';
import { migrateByHand, packageSet, sh } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'dnf', 'rpm', 'setsid');
let lab: Lab;

before(async () => {
  if (skip) return;
  lab = await createLab();
  process.env.HOME = (await lab.host({ from: 'centos-7' })).env.HOME; // Debian rpm: %_dbpath from the lab HOME
});
after(async () => { await lab?.close(); });

// [target, the swap its source makes, os-release ID, a base package rebuilt by the target, el7 packages left
// where the target tags its builds otherwise]. Left from CentOS on Anolis: the installed kernel (installonly: dnf
// keeps the booted one beside the target's build) and lab-orphan (no target carries it).
const SWAPS: [string, { remove: string[]; install: string[] }, string, string, string[] | null][] = [
  // centos2ol.sh (oracle/centos2ol@2669ed0a): new_releases for 7* plus oracle-logos in; CentOS branding out
  ['oraclelinux-7', { remove: ['centos-indexhtml', 'centos-logos', 'centos-release'],
    install: ['oracle-logos', 'oraclelinux-release', 'oraclelinux-release-el7', 'redhat-release-server'] }, 'ol', 'glibc-0:2.17-307.0.1.el7.1.', null],
  // the catalog's Anolis 7 vendor packages: anolis-release only (mock's Anolis 7 chroot)
  ['anolis-7', { remove: ['centos-indexhtml', 'centos-logos', 'centos-release'], install: ['anolis-release'] }, 'anolis', 'glibc-0:2.17-307.an7.1.',
    ['kernel-0:3.10.0-1127.el7.x86_64', 'lab-orphan-0:0.9-1.el7.noarch']],
];

for (const [target, swap, osId, rebuilt, leftEl7] of SWAPS) {
  test(`centos-7 → ${target} on a local root: the sourced swap, verification passes, same package set as dnf by hand`, { skip }, async () => {
    const d = await lab.distro(target);
    const host = await lab.host({ from: 'centos-7' });
    const hand = await lab.host({ from: 'centos-7' });
    const transport = createLocalTransport({ root: host.root });
    const res = await migrate({ transport, target, repos: [`${target}=${d.repoDir}`], gpgcheck: false });
    assert.equal(res.result.status, 'completed');
    assert.deepEqual(res.plan.swap, swap);
    assert.ok(res.verify?.ok, JSON.stringify(res.verify?.checks));
    assert.match(sh(['cat', `${host.root}/etc/os-release`], host.env).stdout, new RegExp(`^ID="${osId}"$`, 'm'));
    migrateByHand(hand, d, res.plan.swap);
    const got = packageSet(host.root, host.env);
    assert.deepEqual(got, packageSet(hand.root, hand.env), 'same final package set as the by-hand recipe');
    assert.ok(got.some((p) => p.startsWith(rebuilt)), `base packages synced to the ${target} builds`);
    assert.deepEqual(got.filter((p) => p.includes('centos')), [], 'no CentOS build left');
    if (leftEl7) assert.deepEqual(got.filter((p) => /\.el7\./.test(p)), leftEl7);
    assert.equal(sh(['rpm', '--root', host.root, '-Va'], host.env).stdout, '', 'rpm -Va clean');
    await transport.close();
    host.dispose(); hand.dispose();
  });
}

test('a machine without dnf (CentOS 7 ships yum only) is refused before anything runs, with the way out, and nothing changes', { skip }, async () => {
  const d = await lab.distro('oraclelinux-7');
  const host = await lab.host({ from: 'centos-7' });
  const before = packageSet(host.root, host.env);
  // every program of /usr/bin but dnf
  const bin = mkdtempSync(join(tmpdir(), 'ferry-nodnf-'));
  for (const f of readdirSync('/usr/bin')) if (!/^dnf/.test(f)) symlinkSync(join('/usr/bin', f), join(bin, f));
  const path = process.env.PATH;
  process.env.PATH = `${bin}:/usr/sbin:/sbin`;
  const transport = createLocalTransport({ root: host.root });
  try {
    const run = migrate({ transport, target: 'oraclelinux-7', repos: [`oraclelinux-7=${d.repoDir}`], gpgcheck: false });
    await assert.rejects(run, (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, 'DNF_MISSING', e.message);
      assert.match(e.message, /no dnf/);
      assert.match(e.hint ?? '', /extras/);
      return true;
    });
  } finally {
    process.env.PATH = path;
    await transport.close();
    rmSync(bin, { recursive: true, force: true });
  }
  assert.deepEqual(packageSet(host.root, host.env), before, 'nothing installed or removed');
  host.dispose();
});

// Host-level blockers need no target repository: the targets are assessed without package fates (said so).
const BLOCKED = ['opencloudos-7.9', 'tencentos-2.4'];
const assessRoot = (root: string): Promise<Assessment> =>
  assessJson(['--root', root, '--to', [...BLOCKED, 'oraclelinux-7'].join(','), '--today', '2024-06-01']);
const target = targetOf;

const BLOCKER_CASES = [
  { name: 'glibc.i686 installed', check: 'i686-packages', quote: /安装了 ?i686 ?的 rpm 包/, names: /glibc-2\.17-307\.el7\.1\.i686/,
    make: (): Promise<LabHost> => lab.host({ from: 'centos-7', extras: ['glibc.i686'] }) },
  { name: 'a graphical desktop', check: 'gui', quote: /安装了图形界面/, names: /graphical\.target, display manager gdm/,
    make: async (): Promise<LabHost> => { const h = await lab.host({ from: 'centos-7' }); makeGraphical(h.root); return h; } },
];

for (const c of BLOCKER_CASES) {
  test(`a CentOS 7 root with ${c.name} is refused for ${BLOCKED.join(' and ')} with the vendor's reason; Oracle Linux 7 only warns`, { skip }, async () => {
    const host = await c.make();
    const a = await assessRoot(host.root);
    for (const id of BLOCKED) {
      const t = target(a, id);
      assert.deepEqual(t.inhibitors, [c.check], id);
      const f = t.findings.find((x) => x.check === c.check);
      assert.ok(f, `${id}: no ${c.check} finding`);
      assert.equal(f.severity, 'high');
      assert.match(f.summary, c.quote, `${id}: the vendor's words`);
      assert.match(f.summary, c.names, `${id}: names what is installed`);
      const source = id === 'opencloudos-7.9' ? 'opencloudos:centos7-to-oc7' : 'tencent:centos-to-tencentos';
      assert.ok(f.summary.includes(`[${source}]`), `${id}: cites ${source}: ${f.summary}`);
    }
    // `ferry plan` stops on the same inhibitor, before anything is planned or changed
    const before = packageSet(host.root, host.env);
    for (const id of BLOCKED) {
      const r = await ferry(['--json', 'plan', 'local', '--root', host.root, '--to', id]);
      assert.notEqual(r.code, 0, `${id}: plan refused`);
      const e = (JSON.parse(r.out) as { error: { code: string; message: string; hint: string; details: { inhibitors: string[] } } }).error;
      assert.equal(e.code, 'PLAN_INHIBITED', `${id}: ${e.message}`);
      assert.deepEqual(e.details.inhibitors, [c.check], id);
      assert.ok(e.message.includes(`centos-7 → ${id}`), e.message);
      assert.ok(e.hint.includes(`--override ${c.check}`), e.hint);
    }
    assert.deepEqual(packageSet(host.root, host.env), before, 'nothing installed or removed');
    const ol = target(a, 'oraclelinux-7');
    assert.deepEqual(ol.inhibitors, [], 'centos2ol names no such blocker');
    assert.ok(ol.findings.some((x) => x.check === c.check && x.severity !== 'high'), 'still reported, as a warning');
    assert.ok(BLOCKED.every((id) => target(a, id).rank > ol.rank), 'blocked targets rank below Oracle Linux 7');
    host.dispose();
  });
}

test('a clean CentOS 7 root: no GUI or i686 finding, no inhibitor for the same targets', { skip }, async () => {
  const host = await lab.host({ from: 'centos-7' });
  const a = await assessRoot(host.root);
  for (const t of a.targets) {
    assert.ok(!t.findings.some((f) => f.check === 'gui' || f.check === 'i686-packages'), t.target);
    assert.ok(!t.inhibitors.includes('gui') && !t.inhibitors.includes('i686-packages'), t.target);
  }
  host.dispose();
});
