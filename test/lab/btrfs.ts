// A lab host whose root is a real Btrfs filesystem on a loop device, for the snapshot provider.
//
// REAL: the image file, the loop device (losetup), mkfs.btrfs, the root subvolume `root` (made the default
// subvolume) mounted without subvol= at the host's root directory, and everything Ferry does to it: btrfs
// subvolume snapshot, set-default, filesystem usage/du, subvolume delete — the kernel's Btrfs, not a fake.
// SIMULATED: the reboot. `reboot()` unmounts the root directory and mounts the same device there again
// without options, which is what a reboot does to a root mounted without subvol= (the kernel mounts the
// default subvolume); no kernel, initramfs or bootloader runs. Everything else of the host is the lab root
// (rpm --root, dnf --installroot) copied onto the filesystem with `cp -a`.
// Teardown (`stop()`, also on process exit): every mount below the root directory is unmounted, the loop
// device detached (losetup -d) and the image removed, whether or not the test passed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabHost } from './lab.js';

export interface BtrfsLabHost {
  /** The host's root directory (the default subvolume mounted there). */
  root: string;
  device: string;
  /** LAB SIMULATION of a reboot: remounts the device at root (see above). */
  reboot(): Promise<void>;
  stop(): void;
}

function run(argv: string[]): string {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Why a Btrfs lab host cannot be made here (for t.skip), or false. */
export function btrfsUnavailable(): string | false {
  if (process.getuid?.() !== 0) return 'Btrfs lab hosts need root (mount, losetup)';
  for (const t of ['mkfs.btrfs', 'btrfs', 'losetup', 'findmnt']) if (spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0) return `${t} is not installed (btrfs-progs, util-linux)`;
  if (!/\tbtrfs$/m.test(spawnSync('cat', ['/proc/filesystems'], { encoding: 'utf8' }).stdout)) {
    spawnSync('modprobe', ['btrfs']);
    if (!/\tbtrfs$/m.test(spawnSync('cat', ['/proc/filesystems'], { encoding: 'utf8' }).stdout)) return 'the kernel has no btrfs';
  }
  return false;
}

const live = new Set<() => void>();
let hooked = false;

/** Copies `host`'s root onto a new Btrfs filesystem of `sizeMiB` (a sparse image on a loop device). */
export function createBtrfsHost(host: LabHost, o: { sizeMiB?: number } = {}): BtrfsLabHost {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-btrfs-'));
  const image = join(dir, 'disk.img');
  const top = join(dir, 'top');
  const root = join(dir, 'root');
  mkdirSync(top);
  mkdirSync(root);
  let device = '';
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    live.delete(stop);
    for (const m of [root, top]) spawnSync('umount', ['-R', m]);
    if (device) spawnSync('losetup', ['-d', device]);
    rmSync(dir, { recursive: true, force: true });
  };
  live.add(stop);
  if (!hooked) { hooked = true; process.on('exit', () => { for (const s of [...live]) s(); }); }
  try {
    run(['truncate', '-s', `${o.sizeMiB ?? 3072}M`, image]);
    run(['mkfs.btrfs', '-q', image]);
    device = run(['losetup', '-f', '--show', image]).trim();
    run(['mount', device, top]);
    run(['btrfs', 'subvolume', 'create', join(top, 'root')]);
    const id = run(['btrfs', 'inspect-internal', 'rootid', join(top, 'root')]).trim();
    run(['btrfs', 'subvolume', 'set-default', id, top]);
    run(['umount', top]);
    run(['mount', device, root]);
    run(['cp', '-a', `${host.root}/.`, root]);
    return {
      root, device, stop,
      async reboot() {
        run(['umount', root]);
        run(['mount', device, root]);
      },
    };
  } catch (e) {
    stop();
    throw e;
  }
}

/**
 * LAB SIMULATION of a whole host's reboot over its sshd, for the reboot boundary (src/exec/reboot.ts): a
 * script the host runs as its reboot command (`--reboot-command '["sh", script]'`). Detached from the SSH
 * session that started it, it drops every connection (the per-connection sshd processes are killed), keeps
 * the host unreachable for `downSeconds` (`unreachable`: the listener is stopped with SIGSTOP, so connections
 * hang until the per-attempt timeout; otherwise it keeps answering with the old boot), remounts the Btrfs root
 * (the default subvolume, as a reboot does), and writes a new boot id to `bootIdFile` — last, so a boot id that
 * changed proves the remount happened. Real: sshd, the dropped connections, the mount; no kernel boots.
 */
/** Resolves once the lab reboot script (labRebootScript) has run: the host is "rebooting" and Ferry waits. */
export async function labRebootStarted(script: string, o: { signal?: AbortSignal } = {}): Promise<void> {
  while (!existsSync(`${script}.started`)) {
    if (o.signal?.aborted) throw new Error('aborted before the lab reboot started');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function labRebootScript(o: { b: BtrfsLabHost; sshdPid: number; bootIdFile: string; downSeconds: number; unreachable: boolean; dir: string }): string {
  const path = join(o.dir, 'lab-reboot.sh');
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const body = [
    // Tests that act during the wait start their clock here (labRebootStarted), not when ferry starts.
    `date +%s%N > ${q(path)}.started`,
    ...(o.unreachable ? [`kill -STOP ${o.sshdPid}`] : []),
    `pkill -KILL -P ${o.sshdPid}`,
    `sleep ${o.downSeconds}`,
    `umount -l ${q(o.b.root)} && mount ${q(o.b.device)} ${q(o.b.root)}`,
    `cat /proc/sys/kernel/random/uuid > ${q(o.bootIdFile)}.new && mv ${q(o.bootIdFile)}.new ${q(o.bootIdFile)}`,
    ...(o.unreachable ? [`kill -CONT ${o.sshdPid}`] : []),
  ].join('\n');
  writeFileSync(path, `#!/bin/sh\n# LAB SIMULATION of a reboot (test/lab/btrfs.ts labRebootScript)\nsetsid -f sh -c ${q(body)} </dev/null >/dev/null 2>&1\n`, { mode: 0o755 });
  return path;
}
