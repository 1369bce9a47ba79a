// Lab additions for the step tests (tests only): a package that ships a systemd unit on the source side
// and its successor, under another unit name, on the target side (the way a service can disappear in a
// migration), and a kernel-install style BLS layout with a grubenv for a lab root.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildRepo, buildSource, run } from '../lab/build.js';
import type { SourceDef } from '../lab/model.js';

const UNIT = (desc: string, exec: string): string =>
  `[Unit]\nDescription=${desc}\n\n[Service]\nExecStart=${exec}\n\n[Install]\nWantedBy=multi-user.target\n`;

/** Source side: lab-agent 1.0 (vendor CentOS) shipping lab-agent.service. */
export const AGENT_SOURCE: SourceDef = {
  name: 'lab-agent', version: '1.0', release: '1.el8', arch: 'x86_64', vendor: 'CentOS', license: 'MIT',
  binaries: [{ name: 'lab-agent', requires: ['filesystem'], dirs: ['/usr/lib/systemd', '/usr/lib/systemd/system'],
    files: { '/usr/lib/systemd/system/lab-agent.service': UNIT('Lab agent', '/usr/bin/lab-agent'), '/usr/bin/lab-agent': '#agent 1.0\n' } }],
};

/** Target side: lab-agent-ng 2.0 obsoletes lab-agent and ships lab-agent-ng.service instead. */
export const AGENT_TARGET: SourceDef = {
  name: 'lab-agent-ng', version: '2.0', release: '1.el8', arch: 'x86_64', vendor: 'Rocky Enterprise Software Foundation', license: 'MIT',
  binaries: [{ name: 'lab-agent-ng', requires: ['filesystem'], provides: ['lab-agent = 2.0'], obsoletes: ['lab-agent < 2.0'],
    dirs: ['/usr/lib/systemd', '/usr/lib/systemd/system'],
    files: { '/usr/lib/systemd/system/lab-agent-ng.service': UNIT('Lab agent NG', '/usr/bin/lab-agent-ng'), '/usr/bin/lab-agent-ng': '#agent 2.0\n' } }],
};

/** The repo holding AGENT_TARGET (add it to the target repositories of a migration). */
export function agentTargetRepo(cacheDir: string): Promise<string> {
  return buildRepo({ id: 'svc-target', sources: [AGENT_TARGET] }, cacheDir);
}

/**
 * Installs lab-agent into the root with rpm -i (like the lab's acme-agent) and enables it as
 * `systemctl enable` would (a multi-user.target.wants symlink), plus an admin-written unit in
 * /etc/systemd/system that no package owns and the migration keeps.
 */
export async function installAgent(root: string, env: NodeJS.ProcessEnv, cacheDir: string): Promise<void> {
  const dir = await buildSource(AGENT_SOURCE, cacheDir);
  await run('rpm', ['--root', root, '-i', join(dir, 'lab-agent-1.0-1.el8.x86_64.rpm')], { env });
  const wants = join(root, 'etc/systemd/system/multi-user.target.wants');
  mkdirSync(wants, { recursive: true });
  symlinkSync('/usr/lib/systemd/system/lab-agent.service', join(wants, 'lab-agent.service'));
  writeFileSync(join(root, 'etc/systemd/system/lab-keep.service'), UNIT('Admin unit', '/usr/bin/true'));
  symlinkSync('/etc/systemd/system/lab-keep.service', join(wants, 'lab-keep.service'));
}

export const MACHINE_ID = '8f1a2b3c4d5e6f708192a3b4c5d6e7f8';

/**
 * A BLS entry as EL8's kernel-install (20-grub.install) writes it, for kernel release `kver`. With a
 * separate /boot partition (EL8's default layout) the paths are `/vmlinuz-…`; without, `/boot/vmlinuz-…`.
 */
export function blsEntry(kver: string, name: string, separateBoot = true): string {
  const p = separateBoot ? '' : '/boot';
  return [`title ${name} (${kver}) 8`, `version ${kver}`, `linux ${p}/vmlinuz-${kver}`, `initrd ${p}/initramfs-${kver}.img $tuned_initrd`,
    'options $kernelopts $tuned_params', `id ${name.toLowerCase().replace(/\W+/g, '')}-20200615213934-${kver}`, 'grub_users $grub_users',
    'grub_arg --unrestricted', 'grub_class kernel', ''].join('\n');
}

/** A 1024-byte GRUB environment block as grub2-editenv writes it. */
export function grubenvBlock(vars: Record<string, string>): string {
  const body = '# GRUB Environment Block\n' + Object.entries(vars).map(([k, v]) => `${k}=${v}\n`).join('');
  return body + '#'.repeat(1024 - body.length);
}

/** Writes BLS entries for the given kernels and a grubenv saving `saved` (an entry id) below the root. */
export function writeBlsLayout(root: string, kernels: { kver: string; name: string }[], saved: string | null): { ids: string[] } {
  const ids: string[] = [];
  for (const k of kernels) {
    const id = `${MACHINE_ID}-${k.kver}`;
    const f = join(root, 'boot/loader/entries', `${id}.conf`);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, blsEntry(k.kver, k.name));
    ids.push(id);
  }
  const env = join(root, 'boot/grub2/grubenv');
  mkdirSync(dirname(env), { recursive: true });
  writeFileSync(env, grubenvBlock({ ...(saved ? { saved_entry: saved } : {}), kernelopts: 'root=/dev/mapper/cl-root ro crashkernel=auto resume=/dev/mapper/cl-swap rd.lvm.lv=cl/root rd.lvm.lv=cl/swap rhgb quiet', boot_success: '0' }));
  return { ids };
}
