/**
 * The workload diff: the host's workload facts before a migration against after it (facts/sections/workload.ts,
 * with SELinux from the security section), as findings with a severity and a remediation. What a fleet
 * operator loses access or service by is high (a unit no longer active, a new failed unit, a port no longer
 * listening, an interface renamed or gone, an address gone, the sshd settings that decide who may log in, the
 * SELinux mode); what changes behaviour quietly is medium (unit enablement, routes, mounts' options, alternatives,
 * crontabs, users and groups, the kernel command line); what appeared is info. An item one side could not
 * give is listed in `notCompared`, never read as "nothing changed". Pure.
 */
import { isEnabledUnitFile } from '../facts/index.js';
import type { SecurityFacts } from '../facts/sections/security.js';
import type { WorkloadFacts, WorkloadItem } from '../facts/sections/workload.js';
import type { Finding, Severity } from './types.js';

export const WORKLOAD_CHECK = 'workload-diff';

/** One side of the diff: the workload facts and the SELinux mode, as collected. */
export interface WorkloadSnapshot {
  collectedAt: string;
  workload: WorkloadFacts;
  selinux?: SecurityFacts['selinux'];
}

export interface WorkloadDiff {
  findings: Finding[];
  /** Items not compared, each with why (null on one side: not collected there). */
  notCompared: { item: WorkloadItem; why: string }[];
}

/** sshd keywords (as `sshd -T` prints them) that decide who can log in and where: a change is a lockout risk. */
const SSHD_ACCESS = ['permitrootlogin', 'passwordauthentication', 'pubkeyauthentication', 'port', 'listenaddress', 'allowusers', 'allowgroups',
  'denyusers', 'denygroups', 'authorizedkeysfile', 'kbdinteractiveauthentication', 'challengeresponseauthentication', 'usepam', 'authenticationmethods'];

const ACTIVE = new Set(['active', 'activating', 'reloading']);

interface Ctx { out: Finding[] }

function add(ctx: Ctx, f: { subject: string; severity: Severity; title: string; summary: string; hint: string; commands?: string[][]; details?: Record<string, unknown> }): void {
  ctx.out.push({
    key: `${WORKLOAD_CHECK}:${f.subject}`, check: WORKLOAD_CHECK, severity: f.severity, groups: ['system'], title: f.title, summary: f.summary,
    remediation: { hint: f.hint, ...(f.commands ? { commands: f.commands } : {}) }, ...(f.details ? { details: f.details } : {}),
  });
}

function byKey<T>(items: readonly T[], key: (t: T) => string): Map<string, T> {
  return new Map(items.map((t) => [key(t), t]));
}

function units(ctx: Ctx, b: WorkloadFacts, a: WorkloadFacts): void {
  if (b.units && a.units) {
    const after = byKey(a.units, (u) => u.name);
    for (const u of b.units) {
      const now = after.get(u.name);
      // a unit now failed is reported once, as failed (below)
      if (ACTIVE.has(u.active) && !(now && (ACTIVE.has(now.active) || now.active === 'failed'))) {
        add(ctx, { subject: `unit-inactive:${u.name}`, severity: 'high', title: `${u.name} is no longer active`,
          summary: `${u.name} was ${u.active} (${u.sub}) before the migration and is ${now ? `${now.active} (${now.sub})` : 'gone (no such unit)'} after it.`,
          hint: `Find out why from its status and journal, then start it (and enable it if it should start at boot).`,
          commands: [['systemctl', 'status', u.name], ['journalctl', '-u', u.name, '-b'], ['systemctl', 'start', u.name]],
          details: { unit: u.name, before: u.active, after: now?.active ?? null } });
      }
    }
    const before = byKey(b.units, (u) => u.name);
    for (const u of a.units) {
      if (u.active === 'failed' && before.get(u.name)?.active !== 'failed') {
        add(ctx, { subject: `unit-failed:${u.name}`, severity: 'high', title: `${u.name} failed`,
          summary: `${u.name} is failed after the migration (${before.has(u.name) ? `${before.get(u.name)?.active} before` : 'not loaded before'}).`,
          hint: 'Read its journal, fix the cause (a changed configuration or a missing dependency), then restart it.',
          commands: [['systemctl', 'status', u.name], ['journalctl', '-u', u.name, '-b']], details: { unit: u.name } });
      }
    }
  }
  if (b.unitFiles && a.unitFiles) {
    const after = byKey(a.unitFiles, (u) => u.name);
    for (const u of b.unitFiles) {
      const nowFile = after.get(u.name);
      const now = nowFile?.state;
      if (isEnabledUnitFile(u) && !(nowFile && isEnabledUnitFile(nowFile))) {
        add(ctx, { subject: `unit-disabled:${u.name}`, severity: 'medium', title: `${u.name} is no longer enabled`,
          summary: `${u.name} was enabled before the migration and is ${now ?? 'no longer installed'} after it: it will not start at the next boot.`,
          hint: now ? 'Enable it again if the workload needs it.' : 'The package that shipped it was replaced or removed: install the target\'s equivalent.',
          ...(now ? { commands: [['systemctl', 'enable', u.name]] } : {}), details: { unit: u.name, before: u.state, after: now ?? null } });
      }
    }
  }
}

function listeners(ctx: Ctx, b: WorkloadFacts, a: WorkloadFacts): void {
  if (!b.listeners || !a.listeners) return;
  const key = (l: { proto: string; address: string; port: number }): string => `${l.proto}:${l.address}:${l.port}`;
  const after = new Set(a.listeners.map(key));
  for (const l of b.listeners) {
    if (after.has(key(l))) continue;
    const where = `${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}/${l.proto}`;
    add(ctx, { subject: `port-closed:${l.proto}:${l.address}:${l.port}`, severity: 'high', title: `Nothing listens on ${where} any more`,
      summary: `${l.process ?? 'A process'} listened on ${where} before the migration; nothing does after it.`,
      hint: `Start the service that owned the port${l.process ? ` (${l.process})` : ''} and check its configuration survived the migration.`,
      commands: [['ss', '-ltnup']], details: { ...l } });
  }
}

function network(ctx: Ctx, b: WorkloadFacts, a: WorkloadFacts): void {
  // old name → new name of each renamed interface: its routes are compared under the new name (the rename is one finding)
  const renames = new Map<string, string>();
  if (b.interfaces && a.interfaces) {
    const afterByName = byKey(a.interfaces, (i) => i.name);
    const afterByMac = new Map(a.interfaces.filter((i) => i.mac).map((i) => [i.mac, i]));
    for (const i of b.interfaces) {
      if (afterByName.has(i.name)) {
        const now = afterByName.get(i.name);
        for (const addr of i.addresses.filter((x) => !now?.addresses.includes(x))) {
          add(ctx, { subject: `address-gone:${i.name}:${addr}`, severity: 'high', title: `${i.name} lost address ${addr}`,
            summary: `${addr} was configured on ${i.name} before the migration and is not after it.`,
            hint: 'Check the interface\'s configuration (NetworkManager connection or ifcfg file) and bring the address back.',
            commands: [['ip', 'addr', 'show', 'dev', i.name]], details: { interface: i.name, address: addr } });
        }
        continue;
      }
      const renamed = i.mac ? afterByMac.get(i.mac) : undefined;
      if (renamed && !b.interfaces.some((x) => x.name === renamed.name)) {
        renames.set(i.name, renamed.name);
        add(ctx, { subject: `interface-renamed:${i.name}`, severity: 'high', title: `Interface ${i.name} is now ${renamed.name}`,
          summary: `The interface with MAC ${i.mac} was ${i.name} before the migration and is ${renamed.name} after it: configuration, firewall rules and services bound to ${i.name} no longer apply.`,
          hint: `Pin the old name (a udev rule or a systemd .link file matching MAC ${i.mac}, or net.ifnames=0 biosdevname=0 on the kernel command line), or move the configuration to ${renamed.name}.`,
          commands: [['ip', 'link', 'show', renamed.name]], details: { before: i.name, after: renamed.name, mac: i.mac } });
      } else {
        add(ctx, { subject: `interface-gone:${i.name}`, severity: 'high', title: `Interface ${i.name} is gone`,
          summary: `${i.name}${i.mac ? ` (MAC ${i.mac})` : ''} existed before the migration and does not after it.`,
          hint: 'Check that the target kernel has a driver for the device (lspci -k, modinfo) and that its configuration still applies.',
          commands: [['ip', 'link']], details: { interface: i.name, ...(i.mac ? { mac: i.mac } : {}) } });
      }
    }
  }
  if (b.routes && a.routes) {
    const underNewName = (route: string): string => route.replace(/ dev (\S+)$/, (m, dev: string) => (renames.has(dev) ? ` dev ${renames.get(dev) ?? dev}` : m));
    for (const r of b.routes.filter((x) => !a.routes?.includes(underNewName(x)))) {
      add(ctx, { subject: `route-gone:${r}`, severity: 'medium', title: `Route ${r} is gone`, summary: `The route ${r} existed before the migration and does not after it.`,
        hint: 'Restore it in the interface\'s configuration (a route file or the NetworkManager connection).', commands: [['ip', 'route']], details: { route: r } });
    }
  }
}

function mounts(ctx: Ctx, b: WorkloadFacts, a: WorkloadFacts): void {
  if (!b.mounts || !a.mounts) return;
  const after = byKey(a.mounts, (m) => m.target);
  for (const m of b.mounts) {
    const now = after.get(m.target);
    if (!now) {
      add(ctx, { subject: `mount-gone:${m.target}`, severity: 'high', title: `${m.target} is no longer mounted`,
        summary: `${m.source} (${m.fstype}) was mounted on ${m.target} before the migration and nothing is after it.`,
        hint: 'Check /etc/fstab and the filesystem\'s driver on the target kernel, then mount it.', commands: [['findmnt', m.target], ['mount', m.target]], details: { ...m } });
    } else if (now.source !== m.source || now.fstype !== m.fstype || now.options !== m.options) {
      add(ctx, { subject: `mount-changed:${m.target}`, severity: 'medium', title: `${m.target} is mounted differently`,
        summary: `${m.target}: ${m.source} ${m.fstype} (${m.options}) before, ${now.source} ${now.fstype} (${now.options}) after.`,
        hint: 'Compare with /etc/fstab and remount with the options the workload needs.', commands: [['findmnt', m.target]], details: { before: m, after: now } });
    }
  }
}

function sshd(ctx: Ctx, b: WorkloadFacts, a: WorkloadFacts): void {
  if (!b.sshd || !a.sshd) return;
  for (const k of [...new Set([...Object.keys(b.sshd), ...Object.keys(a.sshd)])].sort()) {
    const was = b.sshd[k];
    const now = a.sshd[k];
    if (was === now) continue;
    const access = SSHD_ACCESS.includes(k);
    add(ctx, { subject: `sshd:${k}`, severity: access ? 'high' : 'low',
      title: k === 'permitrootlogin' ? `sshd PermitRootLogin changed from ${was ?? '(unset)'} to ${now ?? '(unset)'}: root SSH lockout risk` : `sshd ${k} changed from ${was ?? '(unset)'} to ${now ?? '(unset)'}`,
      summary: `The effective sshd configuration (sshd -T) has ${k} ${was ?? '(unset)'} before the migration and ${now ?? '(unset)'} after it${access ? ': logins that worked before may be refused once sshd restarts' : ''}.`,
      hint: access ? `Before closing this session or restarting sshd, set ${k} in /etc/ssh/sshd_config (or a drop-in) to the value the host's logins need, check with sshd -t, then reload sshd.` : 'Review the new default; set it explicitly in /etc/ssh/sshd_config if the old value is needed.',
      commands: [['sshd', '-T'], ['sshd', '-t']], details: { keyword: k, before: was ?? null, after: now ?? null } });
  }
}

function records(ctx: Ctx, kind: 'users' | 'groups', b: WorkloadFacts, a: WorkloadFacts): void {
  const before = b[kind];
  const after = a[kind];
  if (!before || !after) return;
  const enc = (x: unknown): string => JSON.stringify(x);
  const now = byKey<{ name: string }>(after, (x) => x.name);
  const was = byKey<{ name: string }>(before, (x) => x.name);
  const one = kind === 'users' ? 'user' : 'group';
  const file = kind === 'users' ? '/etc/passwd' : '/etc/group';
  for (const [name, x] of was) {
    const y = now.get(name);
    if (!y) add(ctx, { subject: `${one}-removed:${name}`, severity: 'medium', title: `The ${one} ${name} is gone`, summary: `${name} was in ${file} before the migration and is not after it: files it owned now show a bare id.`, hint: `Recreate the ${one} with the same id if the workload runs as it.`, details: { before: x } });
    else if (enc(x) !== enc(y)) add(ctx, { subject: `${one}-changed:${name}`, severity: 'medium', title: `The ${one} ${name} changed`, summary: `${name} in ${file}: ${enc(x)} before, ${enc(y)} after.`, hint: `Check that the ${one}'s ids, home and shell are still what the workload expects.`, details: { before: x, after: y } });
  }
  for (const [name, y] of now) {
    if (!was.has(name)) add(ctx, { subject: `${one}-added:${name}`, severity: 'info', title: `New ${one} ${name}`, summary: `${name} was added to ${file} by the migration (a target package's ${one}).`, hint: 'Nothing to do unless your policy audits accounts.', details: { after: y } });
  }
}

function keyed(ctx: Ctx, kind: 'alternatives' | 'crontabs', b: WorkloadFacts, a: WorkloadFacts): void {
  const before = b[kind];
  const after = a[kind];
  if (!before || !after) return;
  for (const k of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if (before[k] === after[k]) continue;
    const what = kind === 'alternatives' ? `alternative ${k}` : `crontab ${k}`;
    const state = before[k] === undefined ? 'added' : after[k] === undefined ? 'removed' : 'changed';
    add(ctx, { subject: `${kind === 'alternatives' ? 'alternative' : 'crontab'}-${state}:${k}`, severity: 'medium', title: `The ${what} was ${state}`,
      summary: kind === 'alternatives' ? `${k} pointed to ${before[k] ?? '(nothing)'} before the migration and to ${after[k] ?? '(nothing)'} after it.`
        : `${k} was ${state} by the migration (compared by content digest).`,
      hint: kind === 'alternatives' ? `Point it back if the workload needs the old one: alternatives --set ${k} PATH.` : `Compare ${k} with the backup Ferry took and restore the jobs the workload needs.`,
      ...(kind === 'alternatives' ? { commands: [['alternatives', '--display', k]] } : {}), details: { before: before[k] ?? null, after: after[k] ?? null } });
  }
}

const ITEMS: readonly WorkloadItem[] = ['units', 'unitFiles', 'listeners', 'mounts', 'interfaces', 'routes', 'sshd', 'alternatives', 'crontabs', 'users', 'groups', 'cmdline'];

export function diffWorkload(before: WorkloadSnapshot, after: WorkloadSnapshot): WorkloadDiff {
  const ctx: Ctx = { out: [] };
  const b = before.workload;
  const a = after.workload;
  units(ctx, b, a);
  listeners(ctx, b, a);
  network(ctx, b, a);
  mounts(ctx, b, a);
  sshd(ctx, b, a);
  records(ctx, 'users', b, a);
  records(ctx, 'groups', b, a);
  keyed(ctx, 'alternatives', b, a);
  keyed(ctx, 'crontabs', b, a);
  if (b.cmdline !== null && a.cmdline !== null && b.cmdline !== a.cmdline) {
    add(ctx, { subject: 'cmdline', severity: 'medium', title: 'The kernel command line changed', summary: `Before: ${b.cmdline}; after: ${a.cmdline}.`,
      hint: 'Check the boot entry of the target kernel (grubby --info=DEFAULT) carries the parameters the host needs.', commands: [['grubby', '--info=DEFAULT']], details: { before: b.cmdline, after: a.cmdline } });
  }
  const known = (m: SecurityFacts['selinux']): boolean => m !== undefined && m !== 'unknown';
  if (known(before.selinux) && known(after.selinux) && before.selinux !== after.selinux) {
    add(ctx, { subject: 'selinux', severity: 'high', title: `SELinux went from ${before.selinux} to ${after.selinux}`,
      summary: `SELinux was ${before.selinux} before the migration and is ${after.selinux} after it: ${after.selinux === 'enforcing' ? 'denials may stop services that ran before' : 'the host lost its confinement'}.`,
      hint: 'Set SELINUX= in /etc/selinux/config back to the intended mode; when enforcing, relabel (touch /.autorelabel) and check ausearch -m avc.', commands: [['getenforce'], ['sestatus']],
      details: { before: before.selinux, after: after.selinux } });
  }
  const notCompared = ITEMS.filter((i) => b[i] === null || a[i] === null).map((item) => ({ item, why: `not collected ${b[item] === null ? (a[item] === null ? 'before or after' : 'before') : 'after'} the migration` }));
  const rank: Record<Severity, number> = { high: 0, medium: 1, low: 2, info: 3 };
  ctx.out.sort((x, y) => rank[x.severity] - rank[y.severity] || x.key.localeCompare(y.key));
  return { findings: ctx.out, notCompared };
}
