// CentOS 7 → Oracle Linux 7 (the one EL7 same-major path with a sourced vendor swap: oracle/centos2ol) on a
// lab root: Ferry's plan swaps what centos2ol.sh swaps, the migration verifies, and the final package set
// equals the by-hand dnf recipe. The lab drives dnf --installroot; a live EL7 host has yum, not dnf (see README).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, type Lab } from '../lab/lab.js';
import { skipUnlessTools } from '../support/shared.js';
import { migrate } from '../../src/app/migrate.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { migrateByHand, packageSet, sh } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'dnf', 'rpm', 'setsid');
let lab: Lab;

before(async () => {
  if (skip) return;
  lab = await createLab();
  process.env.HOME = (await lab.host({ from: 'centos-7' })).env.HOME; // Debian rpm: %_dbpath from the lab HOME
});
after(async () => { await lab?.close(); });

test('centos-7 → oraclelinux-7 on a local root: centos2ol\'s swap, verification passes, same package set as dnf by hand', { skip }, async () => {
  const d = await lab.distro('oraclelinux-7');
  const host = await lab.host({ from: 'centos-7' });
  const hand = await lab.host({ from: 'centos-7' });
  const transport = createLocalTransport({ root: host.root });
  const res = await migrate({ transport, target: 'oraclelinux-7', repos: [`oraclelinux-7=${d.repoDir}`], gpgcheck: false });
  assert.equal(res.result.status, 'completed');
  // centos2ol.sh (oracle/centos2ol@2669ed0a): new_releases for 7* plus oracle-logos in; CentOS branding out
  assert.deepEqual(res.plan.swap, {
    remove: ['centos-indexhtml', 'centos-logos', 'centos-release'],
    install: ['oracle-logos', 'oraclelinux-release', 'oraclelinux-release-el7', 'redhat-release-server'],
  });
  assert.ok(res.verify?.ok, JSON.stringify(res.verify?.checks));
  assert.match(sh(['cat', `${host.root}/etc/os-release`], host.env).stdout, /^ID="ol"$/m);
  migrateByHand(hand, d, res.plan.swap);
  assert.deepEqual(packageSet(host.root, host.env), packageSet(hand.root, hand.env), 'same final package set as the by-hand recipe');
  assert.ok(packageSet(host.root, host.env).some((p) => p.startsWith('glibc-0:2.17-307.0.1.el7.1.')), 'base packages synced to the Oracle builds');
  assert.equal(sh(['rpm', '--root', host.root, '-Va'], host.env).stdout, '', 'rpm -Va clean');
  await transport.close();
  host.dispose(); hand.dispose();
});

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
