// A RUNNING CentOS 8 host (test/lab/live.ts, writable: its own /usr overlay, /etc and /boot) migrated over its
// own sshd with Ferry's CLI — assess, plan, migrate, status — to TencentOS 3.1 and to OpenCloudOS 8; then the
// host is looked at as an operator would: os-release, the kernel packages, the boot entries and the default
// one, and the service that ran before still running.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createLab, type Lab } from '../lab/lab.js';
import { startLiveHost, type LiveHost } from '../lab/live.js';
import { skipUnlessTools } from '../support/shared.js';
import { ferry } from './cli.js';
import { parseGrubenv } from '../../src/exec/boot.js';
import type { Assessment } from '../../src/assess/types.js';
import type { MigrationPlan } from '../../src/plan/types.js';

const skip = process.getuid?.() !== 0 ? 'needs root (unshare, mount)' : skipUnlessTools('rpm', 'rpmbuild', 'createrepo_c', 'dnf', 'sshd', 'unshare', 'nsenter', 'node');
const PROJECT = resolve(import.meta.dirname, '../..');
const SOURCE_KERNEL = '4.18.0-193.el8.x86_64';
const KERNELOPTS = 'root=/dev/mapper/cl-root ro crashkernel=auto resume=/dev/mapper/cl-swap rd.lvm.lv=cl/root rd.lvm.lv=cl/swap rhgb quiet';
const MACHINE_ID = '5e1f0c3b8a6d4e2f9b7c1d0a3e5f7a9b';
const TARGETS = [
  { target: 'tencentos-3.1', lab: 'tencentos-3', osId: 'tencentos', versionId: '3.1', vendor: 'Tencent' },
  { target: 'opencloudos-8', lab: 'opencloudos-8', osId: 'opencloudos', versionId: '8.6', vendor: 'OpenCloudOS' },
];

let lab: Lab;

before(async () => {
  if (skip) return;
  lab = await createLab();
  process.env.HOME = (await lab.host({ from: 'centos-8' })).env.HOME;
});
after(async () => { await lab?.close(); });

/**
 * What an EL8 install leaves for the boot loader (Anaconda's machine-id, kernel-install's BLS entry for the
 * installed kernel from its bls.conf, grub2's grubenv with saved_entry at it): the lab root has none by itself.
 */
function installBootConfig(root: string, kver: string): string {
  const id = `${MACHINE_ID}-${kver}`;
  writeFileSync(join(root, 'etc/machine-id'), `${MACHINE_ID}\n`);
  mkdirSync(join(root, 'boot/loader/entries'), { recursive: true });
  copyFileSync(join(root, `usr/lib/modules/${kver}/bls.conf`), join(root, `boot/loader/entries/${id}.conf`));
  mkdirSync(join(root, 'boot/grub2'), { recursive: true });
  // grub2-editenv's 1024-byte block; kernelopts as grub2-mkconfig writes it on EL8
  const block = `# GRUB Environment Block\nsaved_entry=${id}\nkernelopts=${KERNELOPTS}\n`;
  writeFileSync(join(root, 'boot/grub2/grubenv'), block + '#'.repeat(1024 - block.length), 'latin1');
  return id;
}

for (const t of TARGETS) {
  test(`running centos-8 → ${t.target} over its sshd: assess, plan, migrate, verify; the target kernel boots by default`, { skip }, async () => {
    const d = await lab.distro(t.lab);
    const host = await lab.host({ from: 'centos-8' });
    const before = installBootConfig(host.root, SOURCE_KERNEL);
    const binds = relative(PROJECT, lab.cacheDir).startsWith('..') ? [PROJECT, lab.cacheDir] : [PROJECT];
    const live: LiveHost = await startLiveHost(host, { kernelRelease: SOURCE_KERNEL, memory: { totalKiB: 8 << 20, availableKiB: 6 << 20 },
      fips: false, firmware: 'bios', binds, writable: true });
    try {
      const sh = async (script: string): Promise<string> => {
        const r = await live.exec(['sh', '-c', script]);
        assert.equal(r.code, 0, `${script}: ${r.stderr}\n${live.log()}`);
        return r.stdout.trim();
      };
      // a service of the host: a listener process and its unit, as the workload records them
      const service = await live.listen(8080);
      await sh(`printf '%s\\n' 'lab-web.service loaded active running Lab web server' > /run/ferry-lab/units`);
      assert.equal(await sh('. /etc/os-release; echo "$ID $VERSION_ID"'), 'centos 8');
      const hostFlags = [`root@${live.host}:${live.port}`, '-i', live.privateKeyPath, '--known-hosts', live.knownHostsPath];
      const repo = ['--to', t.target, '--repo', `${t.target}=${d.repoDir}`];

      const a = await ferry(['--json', 'assess', ...hostFlags, ...repo]);
      assert.equal(a.code, 0, a.err + a.out.slice(0, 2000));
      const assessed = JSON.parse(a.out) as Assessment;
      const ta = assessed.targets.find((x) => x.target === t.target);
      assert.ok(ta, a.out.slice(0, 2000));
      assert.deepEqual(ta.findings.filter((f) => f.groups.includes('inhibitor')).map((f) => f.key), [], 'no inhibitor on a clean running host');
      const p = await ferry(['--json', 'plan', ...hostFlags, ...repo, '--nogpgcheck']);
      assert.equal(p.code, 0, p.err + p.out.slice(0, 2000));
      const plan = JSON.parse(p.out) as MigrationPlan;
      assert.equal(plan.method, 'same-major-swap');
      assert.ok(plan.steps.some((s) => s.kind === 'bootloader'), 'the plan carries the bootloader step');

      const m = await ferry(['--json', 'migrate', ...hostFlags, ...repo, '--nogpgcheck', '--yes']);
      assert.equal(m.code, 0, m.err + m.out.slice(0, 4000));
      const res = JSON.parse(m.out) as { result: { status: string }; verify: { ok: boolean; checks: Array<{ id: string; ok: boolean; detail: string }> } };
      assert.equal(res.result.status, 'completed');
      assert.ok(res.verify.ok, JSON.stringify(res.verify.checks));
      const boot = res.verify.checks.find((c) => c.id === 'boot-default');
      assert.ok(boot?.ok, JSON.stringify(boot));

      // the host as an operator looks at it
      assert.equal(await sh('. /etc/os-release; echo "$ID $VERSION_ID"'), `${t.osId} ${t.versionId}`);
      const kernels = (await sh('rpm -q --qf "%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH} %{VENDOR}\\n" kernel-core | sort')).split('\n');
      const target = kernels.find((k) => !k.startsWith(`kernel-core-${SOURCE_KERNEL}`));
      assert.ok(target, kernels.join('\n'));
      const kver = target.split(' ')[0].replace(/^kernel-core-/, '');
      assert.deepEqual(kernels, [`kernel-core-${SOURCE_KERNEL} CentOS`, `kernel-core-${kver} ${t.vendor}`].sort(), 'the target kernel installed beside the old one (install-only)');
      assert.equal(await sh('ls /boot/loader/entries'), [`${before}.conf`, `${MACHINE_ID}-${kver}.conf`].sort().join('\n'), 'the target kernel wrote its BLS entry');
      assert.match(await sh(`cat /boot/loader/entries/${MACHINE_ID}-${kver}.conf`), new RegExp(`^linux /vmlinuz-${kver.replace(/\./g, '\\.')}$`, 'm'));
      const env = parseGrubenv(await sh('cat /boot/grub2/grubenv'));
      assert.equal(env?.get('saved_entry'), `${MACHINE_ID}-${kver}`, 'grubenv saved_entry: the default boot entry is the target kernel');
      assert.equal(env?.get('kernelopts'), KERNELOPTS, 'the rest of grubenv kept');
      assert.ok((await sh('ls /boot')).split('\n').includes(`vmlinuz-${kver}`), 'the target kernel image in /boot');
      // the service still runs: its process, its port, its unit
      assert.equal(await sh(`kill -0 ${service.pid} && echo alive`), 'alive');
      assert.match(await sh('ss -ltn'), /:8080\b/);
      assert.match(await sh('systemctl list-units --plain --no-legend'), /^lab-web\.service loaded active running/m);
      const st = await ferry(['--json', 'status', ...hostFlags]);
      assert.equal(st.code, 0, st.err);
      assert.equal((JSON.parse(st.out) as { status: { state: string } }).status.state, 'completed');
      console.log(`${t.target}: ${kernels.join(', ')}; default entry ${env?.get('saved_entry')}; ${boot.detail}`);
      await service.stop();
    } finally {
      await live.stop();
      host.dispose();
    }
  });
}
