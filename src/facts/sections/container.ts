/** The container section: whether the host is a container, and what gave it away. Live hosts only. */
import { keyValues } from '../parse-script.js';
import { parseContainer } from '../parse-system.js';
import { defineSection, fileOf } from './section.js';

declare module '../types.js' { interface SectionFacts { container?: ContainerFacts } }

export interface ContainerFacts {
  inContainer: boolean;
  /** docker, podman, lxc, systemd-nspawn … when known. */
  kind?: string;
  /** What gave it away: "/.dockerenv", "/run/.containerenv", "systemd-detect-virt: docker", "cgroup: …". */
  evidence: string[];
}

export const containerSection = defineSection({
  name: 'container',
  notApplicable: true,
  read(input) {
    const s = input.output('container');
    return { value: parseContainer(keyValues(s?.body ?? ''), fileOf(s, '/proc/1/cgroup')) };
  },
  script: String.raw`
s_container() {
  live || { na "offline root"; return 0; }
  [ -e /.dockerenv ] && echo "dockerenv=yes"
  [ -e /run/.containerenv ] && echo "containerenv=yes"
  if command -v systemd-detect-virt >/dev/null 2>&1; then echo "detect-virt=$(systemd-detect-virt -c 2>/dev/null)"; fi
  cf /proc/1/cgroup
  true
}`,
});
