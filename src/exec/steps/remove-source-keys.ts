/**
 * Removes the source distribution's gpg-pubkeys (the catalog's rpm names for its signing keys) from the
 * rpm database, so packages signed by the old vendor no longer verify as trusted. After the point of no
 * return: nothing to register.
 */
import { runChecked } from '../journal.js';
import { defineStep } from '../runner.js';
import type { Step, StepContext } from '../types.js';
import { rpmArgv } from '../package-manager/index.js';
import { writeNote } from './notes.js';
import { removeSourceKeysKind, type RemoveSourceKeysOptions } from '../../plan/steps/index.js';

async function present(ctx: StepContext, names: string[]): Promise<string[]> {
  const t = ctx.transport;
  const res = await t.run(rpmArgv(t, '-qa', 'gpg-pubkey', '--qf', '%{NAME}-%{VERSION}\\n'));
  const have = new Set(res.stdout.split('\n').filter(Boolean));
  return names.filter((n) => have.has(n));
}

export function removeSourceKeysStep(options: RemoveSourceKeysOptions): Step<RemoveSourceKeysOptions> {
  return defineStep<RemoveSourceKeysOptions>({
    ...removeSourceKeysKind.spec(options),
    describe: () => options.rpmNames.map((n) => `rpm -e ${n} (if imported)`),
    async apply(ctx) {
      const found = await present(ctx, options.rpmNames);
      for (const n of found) {
        await runChecked(ctx.transport, rpmArgv(ctx.transport, '-e', '--allmatches', n), `rpm -e ${n}`);
        ctx.output(`removed ${n}`);
      }
      await writeNote(ctx, { removed: found, notImported: options.rpmNames.filter((n) => !found.includes(n)) });
    },
    async verify(ctx) {
      const left = await present(ctx, options.rpmNames);
      return { ok: left.length === 0, detail: left.join(', ') };
    },
  });
}
