/**
 * A graphical desktop: more packages change, display managers restart, desktop sessions may break. Where the
 * vendor documents a desktop as unsupported for the path (CentOS → OpenCloudOS/TencentOS: "安装了图形界面"), an
 * inhibitor quoting it.
 */
import type { Check } from '../types.js';
import { factsAbsent, listSome, vendorBlocker } from './util.js';
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
    const blocker = vendorBlocker(input, 'gui');
    return [{
      key: 'gui', check: 'gui', severity: blocker || cross ? 'high' : 'medium', groups: blocker ? ['inhibitor', 'system'] : ['system'],
      title: blocker ? `Graphical desktop installed: the vendor does not support ${input.path?.from} → ${input.target.id} with one` : 'Graphical desktop installed',
      summary: `The host runs a desktop (${what || 'graphical'}${g.packages.length ? `; packages ${listSome(g.packages)}` : ''}).` +
        (blocker ? ` The vendor's migration guide lists it as unsupported: ${blocker.note} [${blocker.source}].`
          : cross ? ' Desktop stacks change heavily across major releases; sessions and extensions may not survive.' : ' The desktop packages are replaced during the migration; run it from a text console or SSH, not from the desktop.'),
      remediation: {
        hint: blocker ? 'Remove the desktop environment (and switch the default target to multi-user) before migrating, or choose another target.'
          : 'Migrate from a text console; consider switching the default target to multi-user for the migration.',
        commands: [['systemctl', 'set-default', 'multi-user.target']],
      },
      details: { defaultTarget: g.defaultTarget ?? null, displayManager: g.displayManager ?? null, packages: g.packages },
    }];
  },
};
