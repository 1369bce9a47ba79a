/** The running kernel is older than the newest installed one: reboot first, so the migration starts from a known state. */
import type { Check } from '../types.js';
import { compareEvr } from '../../rpm/evr.js';
import { formatNevra } from '../../rpm/nevra.js';
import { factsAbsent, factsOrigin } from './util.js';

export const kernelNotLatest: Check = {
  id: 'kernel-not-latest',
  description: 'The running kernel is the newest installed kernel',
  notAssessed(input) {
    if (!input.facts.kernel) return factsAbsent(input, 'kernel', 'kernel facts');
    // which kernel an installed root would boot is the boot loader's choice, not something the rpmdb says
    if (!input.facts.kernel.running) return `no running kernel (uname -r) in facts from ${factsOrigin(input)}; only installed kernels are known`;
    return undefined;
  },
  run(input) {
    const k = input.facts.kernel;
    if (!k?.running || k.installed.length === 0) return [];
    const newest = [...k.installed].sort((a, b) => compareEvr(b, a))[0];
    const running = k.installed.find((n) => `${n.version}-${n.release}.${n.arch}` === k.running);
    // a running kernel not from a package (custom build) is reported too: it is not the newest installed
    if (running && compareEvr(running, newest) >= 0) return [];
    return [{
      key: 'kernel-not-latest', check: 'kernel-not-latest', severity: 'medium', groups: ['kernel'],
      title: 'Reboot first: the running kernel is not the newest installed',
      summary: `Running ${k.running}; the newest installed kernel is ${formatNevra(newest)}` +
        (running ? '.' : ' (the running kernel is not an installed package).') + ' Reboot into it before migrating so problems are not mixed up.',
      remediation: { hint: 'Reboot into the newest kernel, then assess again.', commands: [['systemctl', 'reboot']] },
      details: { running: k.running, newest: formatNevra(newest) },
    }];
  },
};
