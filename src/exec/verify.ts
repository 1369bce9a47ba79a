/**
 * Verification of a converted host (run as the plan's last step and by `ferry status`): os-release is the
 * target's, its release package is installed, no source-vendor package remains unless explained, the
 * default boot kernel is the target's (where there is a boot loader to ask), the rpmdb is consistent
 * (`dnf check`), and — against the evidence captured before the run — the `rpm -Va` diff, new `.rpmnew`
 * / `.rpmsave` files and the enabled services before/after.
 */
import { posix } from 'node:path';
import type { Transport } from '../transport/types.js';
import { hostPath } from './journal.js';
import { dnfArgv, installedPackages, rpmArgv, type DnfEnv } from './steps/dnf.js';

export interface Evidence {
  packages: { name: string; nevra: string; vendor: string }[];
  rpmVa: string[];
  /** Units enabled through *.wants symlinks below /etc/systemd/system; null when the host has none. */
  services: string[] | null;
  configLeftovers: string[];
}

export interface VerifyOptions {
  targetOsId: string;
  releasePackages: string[];
  removed: string[];
  sourceVendor: string | null;
  dnf: DnfEnv;
}

export interface VerifyCheck { id: string; ok: boolean; detail: string }

export interface VerifyReport {
  ok: boolean;
  checks: VerifyCheck[];
  /** Source-vendor packages still installed, each with why. */
  leftovers: { nevra: string; why: string; ok: boolean }[];
  rpmVaNew: string[];
  rpmVaGone: string[];
  configFiles: string[];
  services: { before: string[] | null; after: string[] | null; added: string[]; removed: string[] } ;
}

const INSTALL_ONLY = /^kernel(-core|-modules|-modules-extra|-uek|-uek-core)?$/;

export async function captureEvidence(transport: Transport): Promise<Evidence> {
  const packages = await installedPackages(transport);
  const va = await transport.run(rpmArgv(transport, '-Va'), { timeoutMs: 3_600_000 });
  const rpmVa = va.stdout.split('\n').filter(Boolean).sort();
  const sysdir = hostPath(transport, '/etc/systemd/system');
  const svc = await transport.run(['sh', '-c', '[ -d "$1" ] || exit 3; find "$1" -path "*.wants/*" -type l -printf "%f\\n" | sort -u', 'sh', sysdir]);
  const services = svc.code === 0 ? svc.stdout.split('\n').filter(Boolean) : null;
  const cf = await transport.run(['sh', '-c', 'find "$1" \\( -name "*.rpmnew" -o -name "*.rpmsave" \\) -print 2>/dev/null | sort', 'sh', hostPath(transport, '/etc')]);
  const prefix = transport.root ?? '';
  const configLeftovers = cf.stdout.split('\n').filter(Boolean).map((p) => p.slice(prefix.length));
  return { packages, rpmVa, services, configLeftovers };
}

function osReleaseId(text: string): string | undefined {
  const m = /^ID=("?)([^"\n]*)\1$/m.exec(text);
  return m?.[2];
}

export async function verifyHost(options: { transport: Transport; stateDir: string; verify: VerifyOptions; before?: Evidence }): Promise<VerifyReport> {
  const { transport, verify: o } = options;
  const checks: VerifyCheck[] = [];
  const osr = await transport.exists('/etc/os-release') ? (await transport.readFile('/etc/os-release')).toString('utf8') : '';
  const id = osReleaseId(osr);
  checks.push({ id: 'os-release', ok: id === o.targetOsId, detail: `ID=${id ?? '(none)'}, expected ${o.targetOsId}` });
  const rel = await transport.run(rpmArgv(transport, '-q', ...o.releasePackages));
  checks.push({ id: 'release-package', ok: rel.code === 0 && o.releasePackages.length > 0, detail: rel.stdout.trim().replace(/\n/g, ', ') || 'none' });

  const after = await captureEvidence(transport);
  const dnf = await dnfArgv({ transport, stateDir: options.stateDir }, o.dnf);
  const leftovers: VerifyReport['leftovers'] = [];
  const fromSource = o.sourceVendor ? after.packages.filter((p) => p.vendor === o.sourceVendor) : [];
  const names = [...new Set(fromSource.map((p) => p.name))];
  const avail = names.length ? await transport.run([...dnf, '-q', 'repoquery', '--qf', '%{name}', ...names]) : { stdout: '' };
  const availableNames = new Set(avail.stdout.split('\n').filter(Boolean));
  for (const p of fromSource) {
    if (o.removed.includes(p.name)) leftovers.push({ nevra: p.nevra, ok: false, why: 'source vendor package the swap should have removed' });
    else if (INSTALL_ONLY.test(p.name)) leftovers.push({ nevra: p.nevra, ok: true, why: 'install-only kernel package: dnf keeps older kernels (installonly_limit)' });
    else if (!availableNames.has(p.name)) leftovers.push({ nevra: p.nevra, ok: true, why: 'the target repositories do not carry this package: kept, no longer vendor-supported' });
    else leftovers.push({ nevra: p.nevra, ok: false, why: 'the target carries this package but distro-sync did not replace it' });
  }
  checks.push({ id: 'no-source-packages', ok: leftovers.every((l) => l.ok), detail: `${leftovers.length} source-vendor package(s) remain, ${leftovers.filter((l) => !l.ok).length} unexplained` });

  // Default boot kernel: grubby when the host has a boot loader config, else the newest kernel installed.
  const kernels = after.packages.filter((p) => p.name === 'kernel-core' || p.name === 'kernel');
  const kq = await transport.run(rpmArgv(transport, '-q', '--last', ...new Set(kernels.map((k) => k.name))));
  const newest = kq.stdout.split('\n')[0]?.split(/\s+/)[0] ?? '';
  const newestPkg = kernels.find((k) => newest && k.nevra.replace(/-\d+:/, '-') === newest);
  const hasBls = await transport.exists('/boot/loader/entries');
  if (hasBls && !transport.root) {
    const def = await transport.run(['grubby', '--default-kernel']);
    const owner = def.code === 0 ? await transport.run(rpmArgv(transport, '-qf', '--qf', '%{VENDOR}', def.stdout.trim())) : undefined;
    checks.push({ id: 'boot-default', ok: owner !== undefined && owner.stdout !== o.sourceVendor, detail: `default ${def.stdout.trim()} from ${owner?.stdout ?? '?'}` });
  } else if (kernels.length) {
    const ok = newestPkg !== undefined && newestPkg.vendor !== o.sourceVendor;
    checks.push({ id: 'boot-default', ok, detail: `no boot loader config to ask${transport.root ? ' (installed root)' : ''}; newest kernel ${newestPkg?.nevra ?? newest} (${newestPkg?.vendor ?? '?'})` });
  }

  const check = await transport.run([...dnf, 'check'], { timeoutMs: 3_600_000 });
  checks.push({ id: 'dnf-check', ok: check.code === 0, detail: check.code === 0 ? 'rpmdb consistent' : (check.stdout + check.stderr).trim().slice(0, 1000) });

  const before = options.before;
  const rpmVaNew = before ? after.rpmVa.filter((l) => !before.rpmVa.includes(l)) : after.rpmVa;
  const rpmVaGone = before ? before.rpmVa.filter((l) => !after.rpmVa.includes(l)) : [];
  const services = {
    before: before?.services ?? null, after: after.services,
    added: (after.services ?? []).filter((s) => !(before?.services ?? []).includes(s)),
    removed: (before?.services ?? []).filter((s) => !(after.services ?? []).includes(s)),
  };
  return { ok: checks.every((c) => c.ok), checks, leftovers, rpmVaNew, rpmVaGone, configFiles: after.configLeftovers, services };
}

export const VERIFY_REPORT_FILE = 'verify.json';
export function verifyReportPath(stateDir: string): string {
  return posix.join(stateDir, VERIFY_REPORT_FILE);
}
