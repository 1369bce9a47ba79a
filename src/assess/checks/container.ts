/** A container is rebuilt from a target base image, not converted in place: its kernel and boot are the host's. */
import type { Check } from '../types.js';
import { factsAbsent } from './util.js';

export const container: Check = {
  id: 'container',
  description: 'The system runs inside a container',
  notAssessed: (input) => (input.facts.container ? undefined : factsAbsent(input, 'container', 'container evidence (/.dockerenv, /run/.containerenv, /proc/1/cgroup)')),
  run(input) {
    const c = input.facts.container;
    if (!c?.inContainer) return [];
    return [{
      key: 'container', check: 'container', severity: 'high', groups: ['inhibitor', 'system'],
      title: `Running in a container${c.kind ? ` (${c.kind})` : ''}`,
      summary: `Evidence: ${c.evidence.join('; ') || 'container detected'}. Conversion tools change the kernel, boot loader and ` +
        'systemd units a container does not own; the image should be rebuilt from a target base image instead.',
      remediation: { hint: `Rebuild the image FROM a ${input.target.distributionInfo.name} base image and redeploy.` },
      details: { kind: c.kind ?? null, evidence: c.evidence },
    }];
  },
};
