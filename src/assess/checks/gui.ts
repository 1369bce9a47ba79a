/** A graphical desktop: more packages change, display managers restart, desktop sessions may break. */
import type { Check } from '../types.js';
import { factsAbsent, listSome } from './util.js';
import { isCrossMajor } from '../../catalog/index.js';

export const gui: Check = {
  id: 'gui',
  description: 'The host boots into a graphical target or runs a display manager',
  notAssessed: (input) => (input.facts.gui ? undefined : factsAbsent(input, 'gui', 'default target or display-manager facts')),
  run(input) {
    const g = input.facts.gui;
    if (!g || !g.graphical) return [];
    const what = [g.defaultTarget && `default target ${g.defaultTarget}`, g.displayManager && `display manager ${g.displayManager}`].filter(Boolean).join(', ');
    const cross = isCrossMajor(input.path);
    return [{
      key: 'gui', check: 'gui', severity: cross ? 'high' : 'medium', groups: ['system'],
      title: 'Graphical desktop installed',
      summary: `The host runs a desktop (${what || 'graphical'}${g.packages.length ? `; packages ${listSome(g.packages)}` : ''}).` +
        (cross ? ' Desktop stacks change heavily across major releases; sessions and extensions may not survive.' : ' The desktop packages are replaced during the migration; run it from a text console or SSH, not from the desktop.'),
      remediation: {
        hint: 'Migrate from a text console; consider switching the default target to multi-user for the migration.',
        commands: [['systemctl', 'set-default', 'multi-user.target']],
      },
      details: { defaultTarget: g.defaultTarget ?? null, displayManager: g.displayManager ?? null, packages: g.packages },
    }];
  },
};
