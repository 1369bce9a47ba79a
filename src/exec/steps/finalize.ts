/**
 * First-boot finalization (../../plan/steps/finalize.ts): `rpm --rebuilddb` by the upgraded system's rpm, which
 * writes the database in its own format; `/.autorelabel` for an SELinux relabel at the next boot. Both are
 * idempotent. Verify: the rpm database answers a query, and the relabel is scheduled when asked for.
 */
import { runChecked } from '../journal.js';
import { defineStep } from '../runner.js';
import type { Step } from '../types.js';
import { rpmArgv } from '../package-manager/index.js';
import { finalizeKind, type FinalizeOptions } from '../../plan/steps/index.js';

const AUTORELABEL = '/.autorelabel';

export function finalizeStep(options: FinalizeOptions): Step<FinalizeOptions> {
  return defineStep<FinalizeOptions>({
    ...finalizeKind.spec(options),
    describe: () => [options.rpmdbRebuild ? 'rpm --rebuilddb by the upgraded system\'s rpm (the rpmdb-rebuild step converted it before the transaction; again here, idempotent)' : 'rpm database kept as it is', options.autorelabel ? `touch ${AUTORELABEL}` : 'no SELinux relabel (SELinux disabled or unknown)'],
    async apply(ctx) {
      const t = ctx.transport;
      if (options.rpmdbRebuild) await runChecked(t, rpmArgv(t, '--rebuilddb'), 'rpm --rebuilddb');
      if (options.autorelabel) await t.writeFile(AUTORELABEL, '', { mode: 0o644 });
    },
    async verify(ctx) {
      const t = ctx.transport;
      const q = await t.run(rpmArgv(t, '-qa', '--qf', '%{NAME}\\n'));
      const count = q.stdout.split('\n').filter(Boolean).length;
      if (q.code !== 0 || count === 0) return { ok: false, detail: `the rpm database does not answer rpm -qa (exit ${q.code}): ${q.stderr.trim().slice(0, 300)}` };
      if (options.autorelabel && !(await t.exists(AUTORELABEL))) return { ok: false, detail: `${AUTORELABEL} is absent` };
      return { ok: true, detail: `rpm -qa lists ${count} package(s)${options.autorelabel ? `; ${AUTORELABEL} present` : ''}` };
    },
  });
}
