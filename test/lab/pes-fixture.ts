// A LAB FIXTURE, not OpenCloudOS data: the Leapp data an operator supplies for a path whose vendor's Leapp data
// Ferry's catalog does not have (CentOS 7 → OpenCloudOS 8, OpenCloudOS 8 → 9: ../shared/data/leapp has PES events
// for AlmaLinux and Rocky only, and no repomap for OpenCloudOS). Written as Leapp reads its data from
// /etc/leapp/files: a pes-events.json (Leapp's format, as ../shared/data/leapp/pes-events.rocky.json) and a
// repomap.json beside it (format 1.2.0, as ELevate's). Every event names only the lab's own packages
// (test/lab/distros.ts: the synthetic lab-* shapes, and libidn, which the lab's EL9 sets do not carry), every id is
// 9000 or more, every PESID starts with `lab-`, and the legal notice says it: nothing here is a fact about OpenCloudOS.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Release = { major_version: number; minor_version: number; os_name: string };
const pkg = (name: string, repository: string) => ({ module_stream: null, name, repository });

function event(o: { id: number; action: number; in: [string, string][]; out: [string, string][]; from: Release; to: Release }): Record<string, unknown> {
  return {
    action: o.action, arches: ['x86_64', 'aarch64'], description: 'lab fixture (test/lab/pes-fixture.ts)', id: o.id,
    in_packageset: { package: o.in.map(([n, r]) => pkg(n, r)), set_id: o.id * 10 },
    initial_release: o.from, is_approved: true,
    out_packageset: { package: o.out.map(([n, r]) => pkg(n, r)), set_id: o.out.length ? o.id * 10 + 1 : 0 },
    release: o.to, version: 1,
  };
}

const EL7: Release = { major_version: 7, minor_version: 9, os_name: 'CentOS' };
const OC8: Release = { major_version: 8, minor_version: 0, os_name: 'OpenCloudOS' };
const OC8_6: Release = { major_version: 8, minor_version: 6, os_name: 'OpenCloudOS' };
const OC9: Release = { major_version: 9, minor_version: 0, os_name: 'OpenCloudOS' };

/** The lab's events (Leapp action numbers: 1 removed, 3 replaced, 4 split). */
export const LAB_PES_EVENTS = [
  // CentOS 7 → OpenCloudOS 8
  event({ id: 9001, action: 3, in: [['lab-legacy-utils', 'base']], out: [['lab-utils', 'lab-oc8-baseos']], from: EL7, to: OC8 }),
  event({ id: 9002, action: 4, in: [['lab-bundle', 'base']], out: [['lab-bundle', 'lab-oc8-baseos'], ['lab-bundle-data', 'lab-oc8-appstream']], from: EL7, to: OC8 }),
  event({ id: 9003, action: 1, in: [['lab-orphan', 'base']], out: [], from: EL7, to: OC8 }),
  // OpenCloudOS 8 → 9
  event({ id: 9101, action: 1, in: [['libidn', 'lab-oc8-appstream']], out: [], from: OC8_6, to: OC9 }),
];

/** The repomap beside the events: the lab's PESIDs and the repo ids of the lab's OpenCloudOS repo files (test/lab/distros.ts). */
export function labRepomap(): Record<string, unknown> {
  const repo = (pesid: string, repoid: string, major: string) => ({ pesid, entries: ['x86_64', 'aarch64'].map((arch) => ({ repoid, major_version: major, arch, channel: 'ga', repo_type: 'rpm' })) });
  return {
    version_format: '1.2.0', datetime: '202612070000Z',
    mapping: [
      { source_major_version: '7', target_major_version: '8', entries: [{ source: 'base', target: ['lab-oc8-baseos', 'lab-oc8-appstream'] }] },
      { source_major_version: '8', target_major_version: '9', entries: [
        { source: 'lab-oc8-baseos', target: ['lab-oc9-baseos'] }, { source: 'lab-oc8-appstream', target: ['lab-oc9-appstream'] }] },
    ],
    repositories: [
      repo('base', 'base', '7'),
      repo('lab-oc8-baseos', 'BaseOS', '8'), repo('lab-oc8-appstream', 'AppStream', '8'),
      repo('lab-oc9-baseos', 'BaseOS', '9'), repo('lab-oc9-appstream', 'AppStream', '9'),
    ],
  };
}

/**
 * Writes the fixture as Leapp's /etc/leapp/files holds its data: DIR/pes-events.json and DIR/repomap.json.
 * Returns the events file, the one an operator passes (`--pes opencloudos-8=FILE`).
 */
export function writeLabLeappData(dir: string): { pes: string; repomap: string } {
  mkdirSync(dir, { recursive: true });
  const pes = join(dir, 'pes-events.json');
  const repomap = join(dir, 'repomap.json');
  writeFileSync(pes, JSON.stringify({ legal_notice: 'LAB FIXTURE (Ferry test/lab/pes-fixture.ts): events for the lab\'s own packages, not OpenCloudOS data', timestamp: '202612070000Z', packageinfo: LAB_PES_EVENTS }, null, 1) + '\n');
  writeFileSync(repomap, JSON.stringify(labRepomap(), null, 1) + '\n');
  return { pes, repomap };
}
