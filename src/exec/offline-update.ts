/**
 * The target transaction as a systemd offline update (systemd.offline-updates(7)), the way dnf's system-upgrade
 * plugin does it (rpm-software-management/dnf-plugins-extras@a02d6861 plugins/system_upgrade.py and
 * etc/systemd/dnf-system-upgrade{,-cleanup}.service): the transaction is prepared below the execution's state
 * dir, a unit wanted by system-update.target runs it, and the `/system-update` symlink — made last, pointing at
 * that dir — makes systemd-system-update-generator boot the next boot into system-update.target instead of
 * default.target: sysinit.target and the update unit, no service of the host.
 *
 * The update script (UPDATE_SH, static: its data are files beside it) checks the symlink points at its dir and
 * exits quietly otherwise (another tool's update), removes it before anything else (no reboot loop if the update
 * fails), runs the transaction, writes its exit status to `result` (atomically) and the output to `update.log`,
 * then `systemctl reboot` — success or failure, as the man page asks. The unit's OnFailure= cleanup unit removes
 * the symlink and reboots should the script itself die (dnf's dnf-system-upgrade-cleanup.service, verbatim).
 * Ferry reads `result` once the host is back (readOfflineResult) and removes the units (unscheduleOfflineUpdate).
 */
import { posix } from 'node:path';
import { assert, redact } from '../core/index.js';
import { hostPath, mkdirHost, runChecked } from './journal.js';
import type { StepContext } from './types.js';

export const SYSTEM_UPDATE_LINK = '/system-update';
export const UNIT_DIR = '/etc/systemd/system';
export const UPDATE_UNIT = 'ferry-offline-update.service';
export const CLEANUP_UNIT = 'ferry-offline-update-cleanup.service';
const WANTS_DIR = posix.join(UNIT_DIR, 'system-update.target.wants');

/** The directory of the offline update: the `/system-update` symlink points here. */
export const offlineDir = (ctx: Pick<StepContext, 'stateDir'>): string => posix.join(ctx.stateDir, 'offline');

// Static (no data interpolated): its data are the files beside it — `link` (where /system-update is, as this
// script sees it), `expect` (what it must point at), `dnf.argv` (NUL-separated) — and it writes `result`
// (the transaction's exit status) and `update.log`.
export const UPDATE_SH = [
  '#!/bin/sh',
  '# Ferry\'s offline update (systemd.offline-updates(7)), run by ferry-offline-update.service in system-update.target.',
  'd=$(dirname "$0")',
  'link=$(cat "$d/link")',
  '[ "$(readlink "$link")" = "$(cat "$d/expect")" ] || exit 0',
  'rm -f "$link"',
  'xargs -0 -x -a "$d/dnf.argv" sh -c \'"$@" >"$0.log" 2>&1; echo $? >"$0.tmp"\' "$d/result"',
  'mv -f "$d/result.tmp" "$d/result"',
  'mv -f "$d/result.log" "$d/update.log"',
  'sync',
  'systemctl reboot',
  '',
].join('\n');

/** dnf-system-upgrade.service's ordering and dependencies, with Ferry's script. */
export function updateUnit(script: string): string {
  assert(/^\/[A-Za-z0-9._/-]+$/.test(script), `offline update script ${script} is a plain absolute path`);
  return [
    '[Unit]',
    'Description=Ferry cross-major upgrade (offline update)',
    `ConditionPathExists=${SYSTEM_UPDATE_LINK}`,
    'Documentation=man:systemd.offline-updates(7)',
    'DefaultDependencies=no',
    'Requires=sysinit.target',
    'After=sysinit.target systemd-journald.socket system-update-pre.target',
    'Before=shutdown.target system-update.target',
    `OnFailure=${CLEANUP_UNIT}`,
    '',
    '[Service]',
    'Type=oneshot',
    'StandardOutput=journal+console',
    `ExecStart=/bin/sh ${script}`,
    '',
  ].join('\n');
}

export const CLEANUP_UNIT_TEXT = [
  '[Unit]',
  'Description=Ferry cross-major upgrade (offline update) failed',
  'DefaultDependencies=no',
  '',
  '[Service]',
  'Type=oneshot',
  `ExecStart=/usr/bin/rm -fv ${SYSTEM_UPDATE_LINK}`,
  'ExecStart=/usr/bin/systemctl --no-block reboot',
  '',
].join('\n');

/**
 * Prepares the offline update of `argv` (host paths) and arms it: the units, the wants link, then the
 * /system-update symlink, last. Idempotent; an earlier attempt's result and log are moved aside (`result.prev`, `update.log.prev`).
 */
export async function scheduleOfflineUpdate(ctx: StepContext, argv: readonly string[]): Promise<void> {
  const t = ctx.transport;
  const dir = offlineDir(ctx);
  await mkdirHost(t, dir);
  const script = posix.join(dir, 'update.sh');
  await t.writeFile(posix.join(dir, 'dnf.argv'), `${argv.join('\0')}\0`, { mode: 0o600 });
  await t.writeFile(posix.join(dir, 'link'), `${hostPath(t, SYSTEM_UPDATE_LINK)}\n`, { mode: 0o600 });
  await t.writeFile(posix.join(dir, 'expect'), `${dir}\n`, { mode: 0o600 });
  await t.writeFile(script, UPDATE_SH, { mode: 0o700 });
  await runChecked(t, ['sh', '-c', 'for f in "$@"; do if [ -e "$f" ]; then mv -f "$f" "$f.prev"; fi; done', 'sh',
    hostPath(t, posix.join(dir, 'result')), hostPath(t, posix.join(dir, 'update.log'))], 'Moving an earlier offline update result aside');
  await mkdirHost(t, WANTS_DIR, 0o755);
  await t.writeFile(posix.join(UNIT_DIR, UPDATE_UNIT), updateUnit(script), { mode: 0o644 });
  await t.writeFile(posix.join(UNIT_DIR, CLEANUP_UNIT), CLEANUP_UNIT_TEXT, { mode: 0o644 });
  await runChecked(t, ['ln', '-sfn', posix.join('..', UPDATE_UNIT), hostPath(t, posix.join(WANTS_DIR, UPDATE_UNIT))], `Linking ${UPDATE_UNIT} into system-update.target`);
  await runChecked(t, ['ln', '-sfn', dir, hostPath(t, SYSTEM_UPDATE_LINK)], `Creating ${SYSTEM_UPDATE_LINK}`);
}

/** Whether the next boot runs Ferry's offline update: /system-update points at its dir and the unit is wanted. */
export async function offlineUpdateArmed(ctx: StepContext): Promise<boolean> {
  const t = ctx.transport;
  const link = await t.run(['readlink', '--', hostPath(t, SYSTEM_UPDATE_LINK)]);
  return link.code === 0 && link.stdout.trim() === offlineDir(ctx) && await t.exists(posix.join(WANTS_DIR, UPDATE_UNIT));
}

export type OfflineResult = { state: 'none' } | { state: 'ok'; logTail: string } | { state: 'failed'; code: string; logTail: string };

/**
 * What the last offline update left: no result (it did not run), its transaction's exit status 0, or another —
 * with the end of its output. Status 0 is not success by itself: dnf's shell logs a failed `run` and exits 0
 * (dnf/cli/commands/shell.py), so the step judges the packages too.
 */
export async function readOfflineResult(ctx: StepContext): Promise<OfflineResult> {
  const t = ctx.transport;
  const dir = offlineDir(ctx);
  if (!(await t.exists(posix.join(dir, 'result')))) return { state: 'none' };
  const code = (await t.readFile(posix.join(dir, 'result'))).toString('utf8').trim();
  const log = await t.exists(posix.join(dir, 'update.log')) ? (await t.readFile(posix.join(dir, 'update.log'))).toString('utf8') : '';
  const logTail = redact(log.trim().split('\n').slice(-15).join('\n'));
  if (code === '0') return { state: 'ok', logTail };
  return { state: 'failed', code: /^\d{1,3}$/.test(code) ? code : `unreadable (${JSON.stringify(code.slice(0, 40))})`, logTail };
}

/** Removes the units and the wants link (the symlink too, should it still be there). */
export async function unscheduleOfflineUpdate(ctx: StepContext): Promise<void> {
  const t = ctx.transport;
  await runChecked(t, ['rm', '-f', '--', hostPath(t, SYSTEM_UPDATE_LINK), hostPath(t, posix.join(WANTS_DIR, UPDATE_UNIT)),
    hostPath(t, posix.join(UNIT_DIR, UPDATE_UNIT)), hostPath(t, posix.join(UNIT_DIR, CLEANUP_UNIT))], 'Removing the offline update units');
}
