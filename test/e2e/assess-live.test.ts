// `ferry assess` on LIVE lab hosts (test/lab/live.ts): a CentOS 8 lab root made to look like a running
// host with mount and pid namespaces, reached over a real sshd inside the namespace (SSH transport, no
// root prefix) and locally (`ferry assess local` run inside the namespace). The facts script runs in its
// live mode, so the live-only checks read /proc, /sys/firmware, /.dockerenv and `uname -r`.
// One "dirty" host shows every live-only finding, one "clean" host none: four assess runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Assessment, Finding, TargetAssessment } from '../../src/assess/types.js';
import { validateAssessment } from '../../src/report/assessment-schema.js';
import { createLab, type Lab } from '../lab/lab.js';
import { startLiveHost, type LiveHost, type LiveSpec } from '../lab/live.js';
import { skipUnlessTools } from '../support/shared.js';
import { sh } from './helpers.js';
import { ferry } from './cli.js';

const skip = process.getuid?.() !== 0 ? 'needs root (unshare, mount)'
  : skipUnlessTools('rpm', 'rpmbuild', 'createrepo_c', 'dnf', 'sshd', 'unshare', 'nsenter', 'systemd-detect-virt');
const PROJECT = resolve(import.meta.dirname, '..', '..');
// centos-8 → opencloudos-8 is the path whose memory need the catalog documents: "free memory greater than 500 MB"
const TARGET = 'opencloudos-8';
const LIVE_CHECKS = ['low-memory', 'secure-boot', 'kernel-modules', 'container', 'kernel-not-latest', 'fips'];
const RUNNING = '4.18.0-193.el8.x86_64';
const IN_TREE = ['xfs 1544192 1 - Live 0x0000000000000000', 'virtio_net 57344 0 - Live 0x0000000000000000'];

const DIRTY: Omit<LiveSpec, 'binds'> = {
  // the lab's CentOS 8 kernel, while a newer kernel (Rocky's 4.18.0-305.12.1.el8_4) is installed: not rebooted
  kernelRelease: RUNNING,
  // 976 MiB installed, 292 MiB available
  memory: { totalKiB: 1_000_000, availableKiB: 300_000 },
  modules: [...IN_TREE, 'acme_net 16384 0 - Live 0x0000000000000000 (OE)'],
  tainted: 12288, // O (bit 12) + E (bit 13)
  fips: true, firmware: 'uefi-secure-boot', dockerenv: true,
};
const CLEAN: Omit<LiveSpec, 'binds'> = {
  kernelRelease: RUNNING, memory: { totalKiB: 8 << 20, availableKiB: 6 << 20 }, modules: IN_TREE, tainted: 0,
  fips: false, firmware: 'bios', dockerenv: false,
};

let lab: Lab;
let dirty: LiveHost;
let clean: LiveHost;
let repoFlags: string[];
const runs = new Map<string, TargetAssessment>();

function parse(out: string, source: string): TargetAssessment {
  const a = JSON.parse(out) as Assessment;
  assert.deepEqual(validateAssessment(a), [], 'report validates against the schema');
  assert.equal(a.host.source, 'live', `${source}: facts collected in live mode`);
  assert.equal(a.sourceRelease, 'centos-8');
  const t = a.targets.find((x) => x.target === TARGET);
  assert.ok(t, `${source}: no target ${TARGET}`);
  // a live host answers every live-only check: a missing finding is a no-finding, never "not assessed"
  const skipped = (t.notAssessed ?? []).filter((n) => LIVE_CHECKS.includes(n.check));
  assert.deepEqual(skipped, [], `${source}: live-only checks not assessed`);
  return t;
}

async function overSsh(host: LiveHost): Promise<TargetAssessment> {
  const r = await ferry(['--json', 'assess', `ssh://root@127.0.0.1:${host.port}`, '--identity', host.privateKeyPath, '--known-hosts', host.knownHostsPath,
    '--to', TARGET, ...repoFlags, '--today', '2024-06-01']);
  assert.equal(r.code, 0, `exit ${r.code}: ${r.err}`);
  return parse(r.out, 'sshd');
}

async function locally(host: LiveHost): Promise<TargetAssessment> {
  const r = await host.exec(['/usr/bin/node', join(PROJECT, 'bin', 'ferry.js'), '--json', 'assess', 'local', '--to', TARGET, ...repoFlags, '--today', '2024-06-01'],
    { cwd: PROJECT, env: { FERRY_FROM_SOURCE: '1' } });
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return parse(r.stdout, 'local');
}

const finding = (t: TargetAssessment, check: string): Finding => {
  const f = t.findings.find((x) => x.check === check);
  assert.ok(f, `no ${check} finding in ${t.findings.map((x) => x.key).join(', ')}`);
  return f;
};

/** What each live-only check must say about the dirty host. */
const EXPECT: Record<string, (f: Finding) => void> = {
  'low-memory': (f) => {
    assert.deepEqual(f.details, { totalMiB: 976, availableMiB: 292, measured: 'available', neededMiB: 500, source: 'code:tencent-centos8-to-oc8' });
    assert.ok(f.groups.includes('inhibitor'));
  },
  'secure-boot': (f) => assert.deepEqual(f.details, { source: 'efivars' }),
  'kernel-modules': (f) => assert.deepEqual(f.details, { modules: [{ name: 'acme_net', taint: 'OE' }], tainted: ['O', 'E'] }),
  container: (f) => assert.deepEqual(f.details, { kind: 'docker', evidence: ['/.dockerenv', 'systemd-detect-virt -c: docker'] }),
  'kernel-not-latest': (f) => {
    assert.equal((f.details as { running: string }).running, RUNNING);
    assert.match((f.details as { newest: string }).newest, /^kernel(-core|-modules)?-4\.18\.0-305\.12\.1\.el8_4\.x86_64$/);
  },
  fips: (f) => assert.deepEqual(f.groups, ['security'], 'a same-major swap keeps FIPS: not an inhibitor'),
};

before(async () => {
  if (skip) return;
  lab = await createLab();
  const [oc, rocky] = await Promise.all([lab.distro(TARGET), lab.distro('rocky-8')]);
  repoFlags = ['--repo', `${TARGET}=${oc.repoDir}`];
  const binds = relative(PROJECT, lab.cacheDir).startsWith('..') ? [PROJECT, lab.cacheDir] : [PROJECT];
  const [d, c] = await Promise.all([lab.host({ from: 'centos-8' }), lab.host({ from: 'centos-8' })]);
  // a kernel update installed without a reboot: Rocky 8's newer kernel beside CentOS 8's (installonly)
  const kernels = readdirSync(join(rocky.repoDir, 'Packages')).filter((f) => /^kernel(-core|-modules)?-4\.18\.0-305/.test(f)).map((f) => join(rocky.repoDir, 'Packages', f));
  assert.equal(kernels.length, 3, kernels.join(' '));
  const r = sh(['rpm', '--root', d.root, '-i', ...kernels], d.env);
  assert.equal(r.status, 0, r.stderr);
  [dirty, clean] = await Promise.all([startLiveHost(d, { ...DIRTY, binds }), startLiveHost(c, { ...CLEAN, binds })]);
});

after(async () => {
  if (skip) return;
  await Promise.all([dirty?.stop(), clean?.stop()]);
  await lab?.close();
});

for (const [name, how] of [['over sshd (no root prefix)', overSsh], ['locally inside the namespace', locally]] as const) {
  test(`dirty live host ${name}: a finding from every live-only check`, { skip }, async () => {
    const t = await how(dirty);
    runs.set(`dirty ${name}`, t);
    for (const check of LIVE_CHECKS) EXPECT[check](finding(t, check));
  });

  test(`clean live host ${name}: no finding from any live-only check`, { skip }, async () => {
    const t = await how(clean);
    runs.set(`clean ${name}`, t);
    assert.deepEqual(t.findings.filter((f) => LIVE_CHECKS.includes(f.check)).map((f) => f.key), []);
    // systemctl get-default answers graphical.target on any host nobody set to multi-user (systemd's own
    // default); without a display manager or desktop packages that is no desktop
    assert.ok(!t.findings.some((f) => f.check === 'gui'), JSON.stringify(t.findings.find((f) => f.check === 'gui')));
  });
}

test('sshd and local runs of a host give the same live-only findings', { skip }, () => {
  const live = (key: string): Finding[] => {
    const t = runs.get(key);
    assert.ok(t, `depends on the run "${key}"`);
    return t.findings.filter((f) => LIVE_CHECKS.includes(f.check));
  };
  for (const host of ['dirty', 'clean']) {
    assert.deepEqual(live(`${host} over sshd (no root prefix)`), live(`${host} locally inside the namespace`), host);
  }
});
