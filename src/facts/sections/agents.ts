/** The agents section: management agents (Katello, RHSM, Spacewalk, Uyuni/Salt) from packages and their files. */
import { detectAgents } from '../parse-system.js';
import { defineSection } from './section.js';

declare module '../types.js' { interface SectionFacts { agents?: ManagementAgent[] } }

export type ManagementAgentKind = 'katello' | 'rhsm' | 'spacewalk' | 'uyuni-salt' | 'salt-minion';

export interface ManagementAgent {
  kind: ManagementAgentKind;
  /** Installed packages that show the agent. */
  packages: string[];
  /** Configuration or registration evidence (e.g. /etc/pki/consumer/cert.pem, /etc/sysconfig/rhn/systemid). */
  evidence: string[];
  registered: boolean;
}

export const agentsSection = defineSection({
  name: 'agents',
  read(input) {
    const present = (input.output('agents')?.body ?? '').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/'));
    return { value: detectAgents(present, input.facts.packages) };
  },
  script: String.raw`
s_agents() {
  for f in /etc/rhsm/rhsm.conf /etc/pki/consumer/cert.pem /etc/rhsm/ca/katello-server-ca.pem /etc/yum.repos.d/redhat.repo /etc/sysconfig/rhn/systemid /etc/sysconfig/rhn/up2date /etc/salt/minion /etc/salt/minion.d/susemanager.conf /etc/venv-salt-minion/minion.d/susemanager.conf /etc/venv-salt-minion/minion; do
    [ -e "$R$f" ] && echo "$f"
  done
  true
}`,
});
