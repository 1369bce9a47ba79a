/**
 * Hand-made Assessments for renderer tests: two ranked targets, an inhibitor, every fate, and names with
 * markup and shell metacharacters that every rendering must escape.
 */
import type { Assessment, FateCounts, PackageFate, TargetAssessment } from '../../assess/types.js';

export const HOSTILE_NAME = '<script>alert(1)</script>';
export const HOSTILE_SHELL = 'pkg;touch /tmp/x$(id)`id`|&"\'';

function counts(fates: PackageFate[]): FateCounts {
  const c: FateCounts = { same: 0, upgrade: 0, downgrade: 0, replaced: 0, missing: 0, 'third-party': 0, erased: 0 };
  for (const f of fates) c[f.fate] += 1;
  return c;
}

function target(t: Omit<TargetAssessment, 'counts'>): TargetAssessment {
  return { ...t, counts: counts(t.fates) };
}

const rockyFates: PackageFate[] = [
  { installed: 'bash-4.4.19-10.el8.x86_64', name: 'bash', arch: 'x86_64', fate: 'same', target: ['bash-4.4.19-10.el8.x86_64'] },
  { installed: 'lz4-libs-1.8.3-2.el8.x86_64', name: 'lz4-libs', arch: 'x86_64', fate: 'upgrade', target: ['lz4-libs-1.8.3-3.el8_4.x86_64'] },
  { installed: 'tzdata-2021e-1.el8.noarch', name: 'tzdata', arch: 'noarch', fate: 'downgrade', target: ['tzdata-2021a-1.el8.noarch'] },
  { installed: 'centos-release-8.2-2.2004.0.1.el8.x86_64', name: 'centos-release', arch: 'x86_64', fate: 'replaced', target: ['rocky-release-8.4-29.el8.noarch'], via: 'vendor-swap' },
  { installed: 'lab-orphan-1.0-1.el8.x86_64', name: 'lab-orphan', arch: 'x86_64', fate: 'missing', reason: 'no lab-orphan in the target repositories' },
  { installed: `${HOSTILE_NAME}-1.0-1.x86_64`, name: HOSTILE_NAME, arch: 'x86_64', fate: 'third-party', reason: `vendor ${HOSTILE_SHELL}` },
  { installed: 'htop-3.2.1-1.el8.x86_64', name: 'htop', arch: 'x86_64', fate: 'third-party', reason: 'vendor Fedora Project' },
];

/** A fresh deep copy each call, so tests may mutate it. */
export function fixtureAssessment(): Assessment {
  return structuredClone({
    formatVersion: 1,
    assessedAt: '2024-06-01T12:00:00.000Z',
    host: { origin: 'ssh root@db1.example.com:22', hostname: 'db1.example.com', source: 'live' },
    sourceRelease: 'centos-8',
    sourceName: 'CentOS Linux 8',
    targets: [
      target({
        target: 'opencloudos-8', targetName: 'OpenCloudOS 8', path: null, repositories: [],
        findings: [
          { key: 'unsupported-path', check: 'unsupported-path', severity: 'high', groups: ['inhibitor', 'lifecycle'],
            title: 'No supported migration path', summary: 'The catalog has no path from centos-8 to opencloudos-8.',
            remediation: { hint: 'Choose a target the catalog supports.', commands: [['ferry', 'catalog', 'paths', '--from', 'centos-8']] } },
          { key: 'i686-packages', check: 'i686-packages', severity: 'medium', groups: ['packages'], title: '1 i686 package installed',
            summary: 'glibc.i686 is installed.', remediation: { hint: 'Remove 32-bit packages you do not need.', commands: [['dnf', 'remove', 'glibc.i686']] },
            details: { packages: ['glibc-2.28-101.el8.i686'] } },
        ],
        notAssessed: [{ check: 'secure-boot', reason: `the Secure Boot state could not be read (${HOSTILE_NAME})` }],
        inhibitors: ['unsupported-path'], fates: [], score: -120, rank: 2,
        reasons: [
          { factor: 'blockers', points: -100, text: '1 inhibitor: unsupported-path' },
          { factor: 'tier', points: -20, text: 'supply-chain tier L4' },
        ],
      }),
      target({
        target: 'rocky-8', targetName: 'Rocky Linux 8', path: { method: 'same-major-swap', source: 'code:migrate2rocky' },
        repositories: ['/srv/repos/rocky-8'],
        findings: [
          { key: 'third-party-packages', check: 'third-party-packages', severity: 'low', groups: ['packages'],
            title: `2 third-party packages: ${HOSTILE_NAME}, htop`, summary: `Packages not from CentOS: ${HOSTILE_NAME} (vendor ${HOSTILE_SHELL}), htop.`,
            remediation: { hint: 'Check each vendor supports the target.', commands: [['rpm', '-qi', HOSTILE_NAME], ['rpm', '-e', HOSTILE_SHELL]] } },
          { key: 'i686-packages', check: 'i686-packages', severity: 'medium', groups: ['packages'], title: '1 i686 package installed',
            summary: 'glibc.i686 is installed.' },
          { key: 'lifecycle', check: 'lifecycle', severity: 'info', groups: ['lifecycle'], title: 'Supported until 2029-05-31', summary: 'Rocky Linux 8 maintenance ends 2029-05-31.' },
        ],
        inhibitors: [], fates: rockyFates, score: 35, rank: 1,
        reasons: [
          { factor: 'lifecycle', points: 50, text: '1825 days of support left' },
          { factor: 'missing', points: -5, text: '1 package has no counterpart' },
          { factor: 'downgrades', points: -10, text: '1 downgrade' },
        ],
      }),
    ],
  } satisfies Assessment);
}
