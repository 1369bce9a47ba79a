/** The repos section: every repository of /etc/yum.repos.d/*.repo, as written. */
import { parseRepoFile } from '../parse-config.js';
import { defineSection } from './section.js';

declare module '../types.js' { interface SectionFacts { repos?: RepoConfig[] } }

/** A repository section of a /etc/yum.repos.d/*.repo file. Variables ($releasever, $basearch…) are left as written. */
export interface RepoConfig {
  id: string;
  name?: string;
  /** enabled= as written; yum/dnf default is true when absent. */
  enabled: boolean;
  /** Path of the .repo file on the host (without the root prefix). */
  file: string;
  baseurl: string[];
  mirrorlist?: string;
  metalink?: string;
  gpgcheck?: boolean;
  gpgkey: string[];
  /** Every key=value of the section, lower-case keys, values as written. */
  options: Record<string, string>;
}

export const reposSection = defineSection({
  name: 'repos',
  read: (input) => ({ value: (input.output('repos')?.files ?? []).flatMap((f) => parseRepoFile(f.content, f.path)) }),
  script: String.raw`
s_repos() { glob /etc/yum.repos.d .repo; }`,
});
