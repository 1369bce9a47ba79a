/** The release section: the one-line release files (/etc/redhat-release, system-release, centos-release). */
import { defineSection, fileOf } from './section.js';

declare module '../types.js' { interface SectionFacts { release?: ReleaseFiles } }

/** The one-line release files; absent files are undefined. */
export interface ReleaseFiles {
  redhatRelease?: string; // /etc/redhat-release
  systemRelease?: string; // /etc/system-release
  centosRelease?: string; // /etc/centos-release
}

export const releaseSection = defineSection({
  name: 'release',
  read(input) {
    const s = input.output('release');
    const line = (p: string): string | undefined => fileOf(s, p)?.split('\n')[0]?.trim() || undefined;
    const release: ReleaseFiles = {};
    const r = line('/etc/redhat-release'); if (r) release.redhatRelease = r;
    const sy = line('/etc/system-release'); if (sy) release.systemRelease = sy;
    const c = line('/etc/centos-release'); if (c) release.centosRelease = c;
    return { value: release };
  },
  script: String.raw`
s_release() { cf /etc/redhat-release; cf /etc/system-release; cf /etc/centos-release; true; }`,
});
