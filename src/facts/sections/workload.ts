/**
 * The workload section: what the host's workload runs on, for the before/after workload diff of a migration
 * (assess/workload-diff.ts): systemd units and their states, listening sockets, mounts, interfaces,
 * addresses and routes, the effective sshd configuration, alternatives, crontabs (by digest), users and
 * groups, the kernel command line. Runtime state (units' active state, sockets, mounts, network, `sshd -T`,
 * /proc/cmdline) is read on a live host only; an installed root gives its unit files (`systemctl --root`),
 * users, groups, crontabs and alternatives. An item the host could not give (no systemd running, an iproute2
 * without -j) is null: not compared, never read as empty. On demand: the migration collects it, the
 * default facts script (assessment, fleet collection) does not run it.
 */
import type { ScriptSection } from '../parse-script.js';
import {
  crontabDigest, parseAlternatives, parseFindmnt, parseGroup, parseIpAddr, parseIpRoute, parseListUnitFiles, parseListUnits, parsePasswd, parseSs, parseSshdT,
  type WorkloadGroup, type WorkloadInterface, type WorkloadListener, type WorkloadMount, type WorkloadUnit, type WorkloadUnitFile, type WorkloadUser,
} from '../parse-workload.js';
import { defineSection, fileOf } from './section.js';

declare module '../types.js' { interface SectionFacts { workload?: WorkloadFacts } }

export interface WorkloadFacts {
  /** systemctl list-units --all: null without a running systemd. */
  units: WorkloadUnit[] | null;
  unitFiles: WorkloadUnitFile[] | null;
  listeners: WorkloadListener[] | null;
  mounts: WorkloadMount[] | null;
  interfaces: WorkloadInterface[] | null;
  routes: string[] | null;
  /** sshd -T: the effective configuration, keyword → value. */
  sshd: Record<string, string> | null;
  alternatives: Record<string, string> | null;
  /** Crontab path → content digest (/etc/crontab, /etc/cron.d/*, /var/spool/cron/*). */
  crontabs: Record<string, string>;
  users: WorkloadUser[] | null;
  groups: WorkloadGroup[] | null;
  cmdline: string | null;
}

export type WorkloadItem = keyof WorkloadFacts;

/** A command's output, when its exit status (the `exit:NAME` pseudo-file after it) is 0. */
function commandOutput(s: ScriptSection | undefined, name: string): string | null {
  const code = fileOf(s, `exit:${name}`)?.trim();
  return code === '0' ? fileOf(s, `cmd:${name}`) ?? '' : null;
}

function read<T>(text: string | null | undefined, parse: (t: string) => T): T | null {
  return text === null || text === undefined ? null : parse(text);
}

export const workloadSection = defineSection({
  name: 'workload',
  onDemand: true,
  read(input) {
    const s = input.output('workload');
    const crontabs: Record<string, string> = {};
    for (const f of s?.files ?? []) if (/^\/(etc\/crontab$|etc\/cron\.d\/|var\/spool\/cron\/)/.test(f.path)) crontabs[f.path] = crontabDigest(f.content);
    const cmdline = input.live ? fileOf(s, '/proc/cmdline')?.trim() ?? null : null;
    return {
      value: {
        units: read(commandOutput(s, 'list-units'), parseListUnits),
        unitFiles: read(commandOutput(s, 'list-unit-files'), parseListUnitFiles),
        listeners: read(commandOutput(s, 'ss'), parseSs),
        mounts: read(commandOutput(s, 'findmnt'), parseFindmnt),
        interfaces: read(commandOutput(s, 'ip-addr'), parseIpAddr),
        routes: read(commandOutput(s, 'ip-route'), parseIpRoute),
        sshd: read(commandOutput(s, 'sshd-T'), parseSshdT),
        alternatives: read(commandOutput(s, 'alternatives'), parseAlternatives),
        crontabs,
        users: read(fileOf(s, '/etc/passwd'), parsePasswd),
        groups: read(fileOf(s, '/etc/group'), parseGroup),
        cmdline,
      },
    };
  },
  // c NAME CMD…: CMD's stdout as the pseudo-file cmd:NAME, then its exit status as exit:NAME (stderr dropped).
  script: String.raw`
s_workload() {
  c() { n=$1; shift; printf '\n%s FILE cmd:%s\n' "$N" "$n"; "$@" 2>/dev/null; e=$?; printf '\n%s FILE exit:%s\n%s\n' "$N" "$n" "$e"; }
  if live; then
    c list-units systemctl list-units --all --plain --no-legend --no-pager
    c list-unit-files systemctl list-unit-files --no-legend --no-pager
    c ss ss -ltnup
    c findmnt findmnt -J -o TARGET,SOURCE,FSTYPE,OPTIONS
    c ip-addr ip -j addr
    c ip-route ip -j route
    c sshd-T sshd -T
    cf /proc/cmdline
  else
    c list-unit-files systemctl --root "$R" list-unit-files --no-legend --no-pager
  fi
  alts() { for f in "$R"/etc/alternatives/*; do [ -L "$f" ] && printf '%s\t%s\n' "$(basename "$f")" "$(readlink "$f")"; done; true; }
  c alternatives alts
  cf /etc/passwd; cf /etc/group; cf /etc/crontab
  glob /etc/cron.d ''; glob /var/spool/cron ''
  true
}`,
});
