/**
 * Hosts managed by Katello/Satellite, Spacewalk/Uyuni or RHSM get their repositories from the manager.
 * migrate2rocky refuses Katello- and Uyuni-modified systems (pre_check: /etc/yum.repos.d/redhat.repo,
 * susemanager:channels.repo); the manager must stop handing out the old distribution's content.
 */
import type { Check, Finding } from '../types.js';
import { factsAbsent } from './util.js';

const LABEL: Record<string, string> = {
  katello: 'Katello / Satellite', rhsm: 'Red Hat Subscription Manager', spacewalk: 'Spacewalk', 'uyuni-salt': 'Uyuni / SUSE Manager (Salt)', 'salt-minion': 'Salt minion',
};
const BLOCKING = new Set(['katello', 'spacewalk', 'uyuni-salt']);

export const managementAgents: Check = {
  id: 'management-agents',
  description: 'Content-management agents (Katello, Spacewalk/Uyuni, RHSM, Salt) are installed or registered',
  notAssessed: (input) => (input.facts.agents ? undefined : factsAbsent(input, 'agents', 'management-agent facts')),
  run(input) {
    const out: Finding[] = [];
    for (const a of input.facts.agents ?? []) {
      const blocking = BLOCKING.has(a.kind) && a.registered;
      out.push({
        key: `management-agents:${a.kind}`, check: 'management-agents',
        severity: blocking ? 'high' : a.registered ? 'medium' : 'low',
        groups: blocking ? ['inhibitor', 'repository'] : ['repository'],
        title: `${LABEL[a.kind] ?? a.kind} ${a.registered ? 'registration' : 'agent'} found`,
        summary: `${LABEL[a.kind] ?? a.kind}: ${[...a.packages, ...a.evidence].join(', ') || 'detected'}. ` +
          (a.registered ? 'The host takes its repositories from the manager; it must offer target content or the host must be unregistered.'
            : 'Installed but not registered: the packages stay, nothing manages the repositories.'),
        remediation: {
          hint: a.registered ? 'Unregister the host (or move it to a content view of the target) before migrating.' : 'Remove the agent if it is not used.',
          commands: a.kind === 'rhsm' || a.kind === 'katello' ? [['subscription-manager', 'unregister']] : a.kind === 'spacewalk' ? [['rhn-profile-sync']] : [['systemctl', 'stop', 'salt-minion']],
        },
        details: { kind: a.kind, packages: a.packages, evidence: a.evidence, registered: a.registered },
      });
    }
    return out;
  },
};
