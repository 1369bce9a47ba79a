// LAB SIMULATION of a host's reboot with systemd's boot into an offline update (systemd.offline-updates(7)): the
// lab's roots boot no kernel and run no systemd, so the reboot command is this script (`--reboot-command
// '["sh", script]'`). Detached from the session that ran it, it drops every SSH connection of the lab host's sshd
// (when given its pid; `unreachable` also stops the listener, so connections hang, until the boot is over), then
// boots the root as systemd-system-update-generator would:
//  - /system-update exists: a boot into system-update.target. Each unit system-update.target.wants names runs if
//    its ConditionPathExists= holds (below the root), its `ExecStart=/bin/sh SCRIPT` run as `sh ROOT/SCRIPT` with
//    a `systemctl` stub that records the call (the update's reboot) in the boot log. No other unit starts;
//  - then (and otherwise) a boot into default.target: each unit multi-user.target.wants names is recorded as
//    started (not run: the lab has no services to run).
// Last, a new boot id in `bootIdFile`, so a changed boot id proves the whole boot happened. The boot log
// (`boot.log`: `boot TARGET`, `start UNIT`, `exited UNIT STATUS`, `systemctl ARGS`) is how a test tells which
// units started in which boot. Real: sshd and the dropped connections, the units and scripts Ferry wrote, the
// dnf the update runs. Not modelled: OnFailure= units, the kernel, and a boot that hangs.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rebootConfig, switchableTransport, type RebootWait, type SwitchableTransport } from '../../src/exec/reboot.js';
import { createLocalTransport } from '../../src/transport/local.js';

const BOOT = [
  'root=$1; bootid=$2; log=$3; stub=$4',
  'if [ -L "$root/system-update" ] || [ -e "$root/system-update" ]; then',
  '  echo "boot system-update.target" >>"$log"',
  '  for u in "$root"/etc/systemd/system/system-update.target.wants/*.service; do',
  '    [ -e "$u" ] || continue',
  '    name=$(basename "$u")',
  '    cond=$(sed -n "s/^ConditionPathExists=//p" "$u")',
  '    if [ -n "$cond" ] && [ ! -e "$root$cond" ] && [ ! -L "$root$cond" ]; then echo "condition-failed $name" >>"$log"; continue; fi',
  '    set -- $(sed -n "s/^ExecStart=//p" "$u")',
  '    if [ "$1" != /bin/sh ] || [ $# -ne 2 ]; then echo "unsupported $name" >>"$log"; continue; fi',
  '    echo "start $name" >>"$log"',
  '    if PATH="$stub:$PATH" LAB_BOOT_LOG="$log" sh "$root$2" </dev/null >/dev/null 2>&1; then echo "exited $name 0" >>"$log"; else echo "exited $name $?" >>"$log"; fi',
  '  done',
  'fi',
  'echo "boot default.target" >>"$log"',
  'for u in "$root"/etc/systemd/system/multi-user.target.wants/*.service; do [ -e "$u" ] && echo "start $(basename "$u")" >>"$log"; done',
  'cat /proc/sys/kernel/random/uuid >"$bootid.new" && mv "$bootid.new" "$bootid"',
].join('\n');

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export interface LabBoot {
  /** The reboot command's script (`['sh', script]`). */
  script: string;
  log: string;
  /** The boots so far: each its target and the units started in it, with the update's exit status and systemctl calls. */
  boots(): { target: string; lines: string[] }[];
}

/**
 * Writes the lab's reboot script for `root` (see above). `before`/`after` are argv lines of the test's own run
 * before and after the boot (a fault to inject, and its repair), as plain shell commands of the test's making.
 */
export function labBoot(o: { dir: string; root: string; bootIdFile: string; sshdPid?: number; unreachable?: boolean; before?: string[]; after?: string[] }): LabBoot {
  mkdirSync(o.dir, { recursive: true });
  const stub = join(o.dir, 'lab-systemctl');
  mkdirSync(stub, { recursive: true });
  writeFileSync(join(stub, 'systemctl'), '#!/bin/sh\n# LAB SIMULATION: systemctl records its call in the boot log (test/lab/boot.ts)\necho "systemctl $*" >>"$LAB_BOOT_LOG"\n', { mode: 0o755 });
  const boot = join(o.dir, 'lab-boot.sh');
  writeFileSync(boot, `#!/bin/sh\n# LAB SIMULATION of a systemd boot (test/lab/boot.ts)\n${BOOT}\n`, { mode: 0o755 });
  const log = join(o.dir, 'boot.log');
  const body = [
    ...(o.sshdPid !== undefined && o.unreachable ? [`kill -STOP ${o.sshdPid}`] : []),
    ...(o.sshdPid !== undefined ? [`pkill -KILL -P ${o.sshdPid}`] : []),
    ...(o.before ?? []),
    `sh ${q(boot)} ${q(o.root)} ${q(o.bootIdFile)} ${q(log)} ${q(stub)}`,
    ...(o.after ?? []),
    ...(o.sshdPid !== undefined && o.unreachable ? [`kill -CONT ${o.sshdPid}`] : []),
  ].join('\n');
  const script = join(o.dir, 'lab-reboot.sh');
  writeFileSync(script, `#!/bin/sh\n# LAB SIMULATION of a reboot (test/lab/boot.ts)\nsetsid -f sh -c ${q(body)} </dev/null >/dev/null 2>&1\n`, { mode: 0o755 });
  return {
    script, log,
    boots: () => labBootLog(o.dir),
  };
}

/** The boots the lab's reboot script in `dir` modelled, in order (see above). */
export function labBootLog(dir: string): { target: string; lines: string[] }[] {
  const log = join(dir, 'boot.log');
  if (!existsSync(log)) return [];
  const out: { target: string; lines: string[] }[] = [];
  for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    if (line.startsWith('boot ')) out.push({ target: line.slice(5), lines: [] });
    else out[out.length - 1]?.lines.push(line);
  }
  return out;
}

/** The reboot boundary on a lab root, with the lab's boot model (labBoot): a switchable local transport and its reboot wait. */
export function labReboots(root: string): { transport: SwitchableTransport; rebootWait: RebootWait; bootIdFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-reboots-'));
  const bootIdFile = join(dir, 'boot_id');
  const machineIdFile = join(dir, 'machine-id');
  writeFileSync(bootIdFile, `${randomUUID()}\n`);
  writeFileSync(machineIdFile, '3d1219c7c4c5404aaa1f6d2a48adfda4\n');
  const transport = switchableTransport(createLocalTransport({ root }));
  const config = rebootConfig({ bootIdFile, machineIdFile, command: ['sh', labBoot({ dir: join(dir, 'lab-boot'), root, bootIdFile }).script], backoffMs: 20, maxBackoffMs: 100, timeoutMs: 60_000 });
  return { transport, bootIdFile, rebootWait: { transport, connect: () => Promise.resolve(createLocalTransport({ root })), config, output: () => undefined } };
}
