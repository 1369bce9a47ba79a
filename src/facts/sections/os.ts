/** The os section: /etc/os-release (or /usr/lib/os-release), as os-release(5) defines it. */
import { parseOsRelease } from '../parse-config.js';
import { defineSection, fileOf } from './section.js';

declare module '../types.js' { interface SectionFacts { os?: OsRelease } }

/** /etc/os-release (or /usr/lib/os-release). Keys as in os-release(5). */
export interface OsRelease {
  id: string; // centos, rhel, rocky, almalinux, ol, opencloudos, tencentos, openEuler, anolis, amzn …
  idLike: string[];
  name?: string;
  version?: string;
  versionId?: string; // "8", "7", "8.5"
  prettyName?: string;
  platformId?: string; // PLATFORM_ID, e.g. platform:el8
  cpeName?: string;
  /** Every key=value pair, unquoted. */
  raw: Record<string, string>;
}

export const osSection = defineSection({
  name: 'os',
  read(input) {
    const text = fileOf(input.output('os'));
    if (text === undefined) return { error: `no /etc/os-release or /usr/lib/os-release on ${input.hostName}` };
    return { value: parseOsRelease(text) };
  },
  script: String.raw`
s_os() { cf /etc/os-release || cf /usr/lib/os-release; }`,
});
