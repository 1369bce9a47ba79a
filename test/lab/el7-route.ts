/**
 * The lab's CentOS 7 → Rocky 8 → Rocky 9 route (issue 20): the CentOS 7 packages Rocky's real PES events name,
 * what Rocky 8 carries in their place (a second target repository), and the repositories and `--pes` flags of the
 * route, with Rocky's events (../shared/data/leapp/pes-events.rocky.json) for both hops. The cross-major e2e tests,
 * the route kill tests and the route fault matrix (`npm run bench -- faults --kind=route`) plan and run this one.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNevra } from '../../src/rpm/nevra.js';
import { sharedPath } from '../support/shared.js';
import { buildRepo } from './build.js';
import type { Lab, LabDistro, LabHost } from './lab.js';
import type { SourceDef } from './model.js';

/** CentOS 7 packages that Rocky's PES events name (versions from CentOS 7.8; contents are the lab's). */
export const EL7_PES: SourceDef[] = [
  { name: 'yum-utils', version: '1.1.31', release: '54.el7_8', arch: 'noarch', vendor: 'CentOS', license: 'GPLv2+',
    binaries: [{ name: 'yum-utils', requires: ['filesystem'], files: { '/usr/bin/yum-config-manager': '#yum-utils yum-config-manager\n' } }] },
  { name: 'pygpgme', version: '0.3', release: '9.el7', arch: 'x86_64', vendor: 'CentOS', license: 'LGPLv2+',
    binaries: [{ name: 'pygpgme', requires: ['filesystem'], files: { '/usr/share/doc/pygpgme.txt': 'pygpgme\n' } }] },
];
/** What Rocky 8 carries in yum-utils' place. */
export const EL8_PES: SourceDef[] = [
  { name: 'dnf-utils', version: '4.0.18', release: '4.el8', arch: 'noarch', vendor: 'Rocky Enterprise Software Foundation', license: 'GPLv2+',
    binaries: [{ name: 'dnf-utils', requires: ['filesystem'], files: { '/usr/bin/yum-config-manager': '#dnf-utils yum-config-manager\n' } }] },
];

/** Rocky's events file, for every hop of the route. */
export const rockyPes = (): string => sharedPath('leapp', 'pes-events.rocky.json');

export interface El7Route {
  rocky8: LabDistro;
  rocky9: LabDistro;
  /** The second Rocky 8 repository (EL8_PES). */
  extra: string;
  /** `--repo` values of the route: Rocky 8's two repositories, then Rocky 9's. */
  repos: string[];
  /** `--pes` values of the route: one a hop. */
  pes: string[];
  /** A CentOS 7 root carrying EL7_PES. */
  host(): Promise<LabHost>;
}

export async function el7Route(lab: Lab): Promise<El7Route> {
  const [rocky8, rocky9] = [await lab.distro('rocky-8'), await lab.distro('rocky-9')];
  const extra = await buildRepo({ id: 'rocky-8-pes-extra', sources: EL8_PES }, lab.cacheDir);
  return {
    rocky8, rocky9, extra,
    repos: [`rocky-8=${rocky8.repoDir}`, `rocky-8=${extra}`, `rocky-9=${rocky9.repoDir}`],
    pes: [`rocky-8=${rockyPes()}`, `rocky-9=${rockyPes()}`],
    host: () => lab.host({ from: 'centos-7', localPackages: EL7_PES }),
  };
}

/** The installed set after `changes`, as packageSet (test/e2e/helpers.ts) prints it (epoch always). */
export function applyPrediction(before: string[], changes: { action: string; nevra: string; from?: string }[]): string[] {
  const norm = (n: string): string => { const p = parseNevra(n); return `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch}`; };
  const set = new Set(before.map(norm));
  for (const c of changes) {
    if (c.from) set.delete(norm(c.from));
    if (c.action === 'erase' || c.action === 'obsolete') set.delete(norm(c.nevra));
    else set.add(norm(c.nevra));
  }
  return [...set].sort();
}

/** A boot id and a machine id file for migrate-child's modelled reboots (test/lab/boot.ts; its log in lab-boot/ beside them). */
export function bootFiles(): { FERRY_E2E_BOOT_ID_FILE: string; FERRY_E2E_MACHINE_ID_FILE: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-xmajor-'));
  const ids = { FERRY_E2E_BOOT_ID_FILE: join(dir, 'boot_id'), FERRY_E2E_MACHINE_ID_FILE: join(dir, 'machine-id') };
  writeFileSync(ids.FERRY_E2E_BOOT_ID_FILE, `${randomUUID()}\n`);
  writeFileSync(ids.FERRY_E2E_MACHINE_ID_FILE, '3d1219c7c4c5404aaa1f6d2a48adfda4\n');
  return ids;
}
