/** Test fixtures for src/assess: target packages and HostFacts built from short specs. */
import { parseNevra } from '../../rpm/nevra.js';
import { parseCapability } from '../../rpm/pool.js';
import type { Package } from '../../rpm/types.js';
import { HOST_FACTS_FORMAT_VERSION, type HostFacts, type InstalledPackage } from '../../facts/types.js';

/** A repo package from `name-[e:]v-r.arch` with optional deps written as capabilities. */
export function pkg(nevra: string, deps: { provides?: string[]; obsoletes?: string[] } = {}): Package {
  const n = parseNevra(nevra);
  return {
    ...n, location: `Packages/${nevra}.rpm`,
    provides: [{ name: n.name, flags: 'EQ', evr: { epoch: n.epoch, version: n.version, release: n.release } }, ...(deps.provides ?? []).map(parseCapability)],
    requires: [], conflicts: [], obsoletes: (deps.obsoletes ?? []).map(parseCapability), recommends: [], suggests: [],
    supplements: [], enhances: [], files: [],
  };
}

/** An installed package from `name-[e:]v-r.arch`, vendor and signing key optional. */
export function inst(nevra: string, extra: Partial<InstalledPackage> = {}): InstalledPackage {
  return { ...parseNevra(nevra), ...extra };
}

/** HostFacts of a live CentOS 8 x86_64 host with nothing remarkable; override sections per test. */
export function baseFacts(over: Partial<HostFacts> = {}): HostFacts {
  return {
    formatVersion: HOST_FACTS_FORMAT_VERSION,
    collectedAt: '2024-05-01T00:00:00Z',
    source: 'live',
    origin: 'test',
    system: { hostname: 'c8.example', arch: 'x86_64' },
    os: { id: 'centos', idLike: ['rhel', 'fedora'], name: 'CentOS Linux', version: '8', versionId: '8', platformId: 'platform:el8', raw: {} },
    packages: [
      inst('bash-4.4.19-10.el8.x86_64', { vendor: 'CentOS' }),
      inst('centos-release-8.2-2.2004.0.1.el8.x86_64', { vendor: 'CentOS' }),
      inst('kernel-core-4.18.0-193.el8.x86_64', { vendor: 'CentOS' }),
    ],
    kernel: { running: '4.18.0-193.el8.x86_64', machine: 'x86_64', installed: [parseNevra('kernel-core-4.18.0-193.el8.x86_64')], loadedModules: [], tainted: { value: 0, flags: [] } },
    boot: { mode: 'uefi', secureBoot: 'disabled' },
    security: { fips: 'disabled', selinux: 'enforcing' },
    mounts: ['/', '/var', '/boot', '/usr'].map((p) => ({ path: p, mountPoint: '/', filesystem: '/dev/sda1', sizeKiB: 50 << 20, usedKiB: 10 << 20, availableKiB: 40 << 20 })),
    memory: { totalKiB: 8 << 20, availableKiB: 6 << 20 },
    gui: { defaultTarget: 'multi-user.target', packages: [], graphical: false },
    container: { inContainer: false, evidence: [] },
    rpmdb: { healthy: true, backend: 'bdb', queryExitCode: 0, verifyExitCode: 0, packageCount: 3, importedKeys: [], problems: [] },
    agents: [],
    sections: {},
    ...over,
  };
}
