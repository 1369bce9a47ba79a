/** Parsers for kernel, boot, mounts, memory, GUI, container and agent facts. Pure. */
import type {
  BootFacts, ContainerFacts, GuiFacts, InstalledPackage, LoadedKernelModule, ManagementAgent, MemoryFacts,
  MountFacts, SecurityFacts, TriState,
} from './types.js';

/** /proc/modules: `name size refcount deps state address [(taints)]`. */
export function parseProcModules(text: string): LoadedKernelModule[] {
  const out: LoadedKernelModule[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 2 || !/^\d+$/.test(f[1])) continue;
    const t = /\(([A-Z]+)\)\s*$/.exec(line.trim());
    const taint = t ? t[1] : '';
    out.push({ name: f[0], size: Number(f[1]), taint, outOfTree: taint.includes('O'), unsigned: taint.includes('E'), proprietary: taint.includes('P') });
  }
  return out;
}

/** Letters of /proc/sys/kernel/tainted bits, per the kernel's Documentation/admin-guide/tainted-kernels.rst. */
const TAINT_FLAGS = ['P', 'F', 'S', 'R', 'M', 'B', 'U', 'D', 'A', 'W', 'C', 'I', 'O', 'E', 'L', 'K', 'X', 'T', 'N'];

export function decodeTainted(value: number): string[] {
  return TAINT_FLAGS.filter((_, bit) => (value & (1 << bit)) !== 0);
}

/** `path<TAB>filesystem 1024-blocks used available capacity mountpoint` lines (df -P -k). */
export function parseDfLines(text: string, root?: string): MountFacts[] {
  const out: MountFacts[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\/[^\t]*)\t(\S.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(?:\d+%|-)\s+(\/.*)$/.exec(line);
    if (!m) continue;
    let mountPoint = m[6];
    if (root && (mountPoint === root || mountPoint.startsWith(`${root}/`))) mountPoint = mountPoint.slice(root.length) || '/';
    out.push({ path: m[1], filesystem: m[2], sizeKiB: Number(m[3]), usedKiB: Number(m[4]), availableKiB: Number(m[5]), mountPoint });
  }
  return out;
}

export function parseMeminfo(text: string): MemoryFacts | undefined {
  const kv: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?$/.exec(line.trim());
    if (m) kv[m[1]] = Number(m[2]);
  }
  if (kv.MemTotal === undefined) return undefined;
  return {
    totalKiB: kv.MemTotal,
    ...(kv.MemAvailable !== undefined ? { availableKiB: kv.MemAvailable } : {}),
    ...(kv.SwapTotal !== undefined ? { swapTotalKiB: kv.SwapTotal } : {}),
  };
}

/** boot section key=values → BootFacts. The SecureBoot efivar is 4 attribute bytes then the value byte. */
export function parseBoot(kv: Record<string, string>): BootFacts {
  const mode = kv.mode === 'uefi' ? 'uefi' : kv.mode === 'bios' ? 'bios' : 'unknown';
  if (kv.mokutil !== undefined) {
    if (/SecureBoot enabled/i.test(kv.mokutil)) return { mode, secureBoot: 'enabled', secureBootSource: 'mokutil' };
    if (/SecureBoot disabled|not supported/i.test(kv.mokutil)) return { mode, secureBoot: 'disabled', secureBootSource: 'mokutil' };
  }
  if (kv.efivar !== undefined) {
    const bytes = kv.efivar.trim().split(/\s+/).map(Number);
    const v = bytes[bytes.length - 1];
    if (bytes.length >= 5) return { mode, secureBoot: v === 1 ? 'enabled' : 'disabled', secureBootSource: 'efivars' };
  }
  return { mode, secureBoot: mode === 'bios' ? 'disabled' : 'unknown' };
}

export function parseSecurity(kv: Record<string, string>, live: boolean): SecurityFacts {
  let fips: TriState = 'unknown';
  if (kv.fips !== undefined) fips = kv.fips.trim() === '1' ? 'enabled' : 'disabled';
  else if (kv['system-fips'] === 'yes') fips = 'enabled';
  else if (!live) fips = 'unknown';
  const configured = (kv.SELINUX ?? '').trim().toLowerCase();
  let selinux: SecurityFacts['selinux'] = 'unknown';
  if (kv.enforce !== undefined) selinux = kv.enforce.trim() === '1' ? 'enforcing' : 'permissive';
  else if (configured === 'enforcing' || configured === 'permissive' || configured === 'disabled') selinux = live ? 'disabled' : configured;
  return { fips, selinux };
}

const GUI_PACKAGES = ['gdm', 'kdm', 'lightdm', 'sddm', 'xdm', 'lxdm', 'gnome-shell', 'plasma-workspace', 'xorg-x11-server-Xorg', 'tigervnc-server'];

export function parseGui(kv: Record<string, string>, packages: InstalledPackage[] | undefined): GuiFacts {
  const link = kv['default-link'] ?? '';
  let defaultTarget = kv['get-default'] || (link ? link.split('/').pop() : undefined);
  const inittab = Object.keys(kv).find((k) => k.startsWith('id:'));
  if (!defaultTarget && inittab) defaultTarget = /^id:5:/.test(inittab) ? 'runlevel5 (graphical)' : `runlevel${inittab.split(':')[1]}`;
  const dm = (kv['display-manager'] ?? '').split('/').pop()?.replace(/\.service$/, '') || undefined;
  const installed = new Set((packages ?? []).map((p) => p.name));
  const found = GUI_PACKAGES.filter((n) => installed.has(n));
  // graphical.target is systemd's own default (/usr/lib/systemd/system/default.target), so `systemctl
  // get-default` says graphical on any host nobody set to multi-user; it only starts a desktop through a
  // display manager. A desktop therefore needs a display manager, or a graphical default with desktop packages.
  const graphicalDefault = defaultTarget === 'graphical.target' || defaultTarget === 'runlevel5 (graphical)';
  const graphical = dm !== undefined || (graphicalDefault && found.length > 0);
  return { ...(defaultTarget ? { defaultTarget } : {}), ...(dm ? { displayManager: dm } : {}), packages: found, graphical };
}

/** /.dockerenv, /run/.containerenv, systemd-detect-virt -c and /proc/1/cgroup → container facts. */
export function parseContainer(kv: Record<string, string>, cgroup: string | undefined): ContainerFacts {
  const evidence: string[] = [];
  let kind: string | undefined;
  if (kv.dockerenv === 'yes') { evidence.push('/.dockerenv'); kind = 'docker'; }
  if (kv.containerenv === 'yes') { evidence.push('/run/.containerenv'); kind ??= 'podman'; }
  const virt = (kv['detect-virt'] ?? '').trim();
  if (virt && virt !== 'none') { evidence.push(`systemd-detect-virt -c: ${virt}`); kind ??= virt; }
  const cg = /\/(docker|libpod|kubepods|lxc|machine\.slice\/libpod)[-/.]/.exec(cgroup ?? '');
  if (cg) { evidence.push(`/proc/1/cgroup mentions ${cg[1]}`); kind ??= cg[1] === 'libpod' ? 'podman' : cg[1]; }
  return { inContainer: evidence.length > 0, ...(kind ? { kind } : {}), evidence };
}

/** `byRegistration`: the registration file alone shows this agent (a consumer certificate without Katello's CA is RHSM's). */
interface AgentRule { kind: ManagementAgent['kind']; packages: RegExp; files: string[]; registeredBy: string[]; byRegistration?: boolean }
const AGENTS: AgentRule[] = [
  { kind: 'katello', packages: /^(katello-agent|katello-host-tools(-tracer|-fact-plugin)?|katello-ca-consumer-.*)$/, files: ['/etc/rhsm/ca/katello-server-ca.pem'], registeredBy: ['/etc/pki/consumer/cert.pem'] },
  { kind: 'rhsm', packages: /^(subscription-manager|python3?-subscription-manager-rhsm|rhsm)$/, files: ['/etc/rhsm/rhsm.conf', '/etc/yum.repos.d/redhat.repo'], registeredBy: ['/etc/pki/consumer/cert.pem'], byRegistration: true },
  { kind: 'spacewalk', packages: /^(rhn-client-tools|rhn-setup|rhnsd|rhn-check|yum-rhn-plugin|dnf-plugin-spacewalk|osad|spacewalk-.*)$/, files: ['/etc/sysconfig/rhn/up2date'], registeredBy: ['/etc/sysconfig/rhn/systemid'], byRegistration: true },
  { kind: 'uyuni-salt', packages: /^venv-salt-minion$/, files: ['/etc/venv-salt-minion/minion', '/etc/venv-salt-minion/minion.d/susemanager.conf'], registeredBy: ['/etc/venv-salt-minion/minion.d/susemanager.conf'] },
  { kind: 'salt-minion', packages: /^salt-minion$/, files: ['/etc/salt/minion', '/etc/salt/minion.d/susemanager.conf'], registeredBy: ['/etc/salt/minion.d/susemanager.conf'] },
];

/** Agents shown by installed packages or configuration files (present file paths, one per line). */
export function detectAgents(presentFiles: string[], packages: InstalledPackage[] | undefined): ManagementAgent[] {
  const present = new Set(presentFiles);
  const out: ManagementAgent[] = [];
  for (const rule of AGENTS) {
    const pk = [...new Set((packages ?? []).filter((p) => rule.packages.test(p.name)).map((p) => p.name))].sort();
    const ev = rule.files.filter((f) => present.has(f));
    const reg = rule.registeredBy.filter((f) => present.has(f));
    // a registration file alone (systemid, a consumer certificate) is an agent too: registered, whatever else is gone
    if (pk.length === 0 && ev.length === 0 && !(rule.byRegistration && reg.length > 0)) continue;
    out.push({ kind: rule.kind, packages: pk, evidence: [...new Set([...ev, ...reg])], registered: reg.length > 0 });
  }
  return out;
}
