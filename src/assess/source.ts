/**
 * Which catalog release a host runs, from its facts: os-release ID (case-insensitively: OpenCloudOS 8.6 and
 * TencentOS fixtures capitalise it; `tlinux` is TencentOS) and VERSION_ID first (CentOS Stream shares ID=centos
 * with CentOS Linux and is told apart by NAME; an openEuler service pack is only in VERSION, "22.03 (LTS-SP2)";
 * OpenCloudOS Stream 23 is told from OpenCloudOS by its PLATFORM_ID), then an unknown ID's PLATFORM_ID when
 * exactly one catalog release records it, then /etc/redhat-release text, then the installed release package
 * (a bare package list has nothing else).
 */
import type { Catalog, ReleaseView } from '../catalog/index.js';
import type { HostFacts, OsRelease } from '../facts/types.js';

/** os-release ID → catalog distribution id. */
const DISTRIBUTION_BY_OS_ID: Record<string, string> = {
  centos: 'centos', rhel: 'rhel', rocky: 'rocky', almalinux: 'almalinux', ol: 'oraclelinux', eurolinux: 'eurolinux',
  opencloudos: 'opencloudos', tencentos: 'tencentos', tlinux: 'tencentos', openeuler: 'openeuler', anolis: 'anolis',
};

/** Release package name → distribution id (real names: CentOS 7/8.0–8.2, 8.3+, Stream). */
const DISTRIBUTION_BY_RELEASE_PACKAGE: Record<string, string> = {
  'centos-release': 'centos', 'centos-linux-release': 'centos', 'centos-stream-release': 'centos-stream', 'redhat-release': 'rhel',
  'rocky-release': 'rocky', 'almalinux-release': 'almalinux', 'oraclelinux-release': 'oraclelinux', 'opencloudos-release': 'opencloudos',
  'tencentos-release': 'tencentos', 'openEuler-release': 'openeuler', 'anolis-release': 'anolis',
};

function pick(catalog: Catalog, distribution: string, version: string): string | null {
  const major = version.split('.')[0];
  for (const id of [`${distribution}-${version}`, `${distribution}-${major}`]) if (catalog.hasRelease(id)) return id;
  return null;
}

/** The catalog release whose module platform id this is, when exactly one records it. */
function byPlatform(catalog: Catalog, platformId: string | undefined): string | null {
  const hits = platformId ? catalog.releases().filter((r) => r.modulePlatformId.value === platformId) : [];
  return hits.length === 1 ? hits[0].id : null;
}

export function detectSourceRelease(facts: HostFacts, catalog: Catalog): string | null {
  const os = facts.os;
  if (os?.id) {
    let dist = DISTRIBUTION_BY_OS_ID[os.id.toLowerCase()];
    if (dist === 'centos' && /stream/i.test(`${os.name ?? ''} ${os.prettyName ?? ''}`)) dist = 'centos-stream';
    if (dist === 'opencloudos' && os.platformId === 'platform:ocs23') return byPlatform(catalog, os.platformId);
    const sp = dist === 'openeuler' ? /LTS-SP(\d+)/i.exec(os.version ?? '')?.[1] : undefined;
    if (sp && os.versionId && catalog.hasRelease(`openeuler-${os.versionId}-sp${sp}`)) return `openeuler-${os.versionId}-sp${sp}`;
    // an os-release we cannot map is an answer too: guessing from packages would misname the host
    if (!dist) return byPlatform(catalog, os.platformId);
    return os.versionId ? pick(catalog, dist, os.versionId) : null;
  }
  const text = facts.release?.centosRelease ?? facts.release?.redhatRelease ?? facts.release?.systemRelease;
  const m = text ? /^(.*?) release (\d+(?:\.\d+)?)/.exec(text) : null;
  if (m) {
    const name = m[1].toLowerCase();
    const dist = name.includes('centos stream') ? 'centos-stream' : name.includes('centos') ? 'centos'
      : name.includes('red hat') ? 'rhel' : name.includes('rocky') ? 'rocky' : name.includes('alma') ? 'almalinux'
        : name.includes('oracle') ? 'oraclelinux' : undefined;
    if (dist) return pick(catalog, dist, m[2]);
  }
  // redhat-release last: Oracle Linux ships one beside oraclelinux-release
  const byName = new Map((facts.packages ?? []).map((p) => [p.name, p]));
  for (const [name, dist] of Object.entries(DISTRIBUTION_BY_RELEASE_PACKAGE).sort(([a], [b]) => Number(a === 'redhat-release') - Number(b === 'redhat-release'))) {
    const p = byName.get(name);
    if (p) return pick(catalog, dist, p.version);
  }
  return null;
}

/**
 * The os-release a host of `release` carries, as far as the catalog knows it (id, VERSION_ID, name,
 * PLATFORM_ID): what detectSourceRelease reads back as `release`. For a host that is not there yet — the
 * predicted end state of a multi-hop route's earlier hop — whose real os-release comes with a package.
 */
export function osReleaseFor(release: ReleaseView): OsRelease {
  const id = Object.entries(DISTRIBUTION_BY_OS_ID).find(([, dist]) => dist === (release.distribution === 'centos-stream' ? 'centos' : release.distribution))?.[0] ?? release.distribution;
  const name = release.distributionInfo.name;
  const platformId = release.modulePlatformId.value;
  // An openEuler service pack has its own release id; os-release keeps the base VERSION_ID and says "LTS-SPn" in VERSION.
  const sp = /^openeuler-(\d+\.\d+)-sp(\d+)$/.exec(release.id);
  const versionId = sp ? sp[1] : release.version;
  const version = sp ? `${sp[1]} (LTS-SP${sp[2]})` : release.version;
  const raw: Record<string, string> = { ID: id, NAME: name, VERSION: version, VERSION_ID: versionId, PRETTY_NAME: `${name} ${version}`, ...(platformId ? { PLATFORM_ID: platformId } : {}) };
  return { id, idLike: [], name, version, versionId, prettyName: raw.PRETTY_NAME, ...(platformId ? { platformId } : {}), raw };
}
