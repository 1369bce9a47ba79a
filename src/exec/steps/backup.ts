/**
 * Backup: registers a restorable for every file and directory the conversion may change (repo files,
 * release files, /etc/issue, alternatives, module state, keys, the rpm database) — the restorables are
 * the backup, kept in the execution's state dir on the host — and records the "before" evidence verify
 * compares against: the installed package set, `rpm -Va` and the enabled services (gathered concurrently
 * with the captures).
 */
import { posix } from 'node:path';
import { dirRestorable, fileRestorable } from '../restorables.js';
import { defineStep } from '../runner.js';
import type { Step } from '../types.js';
import { BEFORE_FILE, captureEvidence } from '../verify.js';
import { backupKind, type BackupOptions } from '../../plan/steps/index.js';

export function backupStep(options: BackupOptions): Step<BackupOptions> {
  return defineStep<BackupOptions>({
    ...backupKind.spec(options),
    describe: () => [...options.files.map((f) => `back up file ${f}`), ...options.dirs.map((d) => `back up directory ${d}`), 'record rpm -Va, packages and enabled services'],
    async apply(ctx) {
      // The evidence (rpm -Va above all, the longest read of the run) is gathered while the restorables are
      // captured: both only read the host, and this step changes nothing, so both see the state before.
      const before = posix.join(ctx.stateDir, BEFORE_FILE);
      const evidence = await ctx.transport.exists(before) ? undefined : captureEvidence(ctx.transport);
      evidence?.catch(() => { /* awaited below; a failed capture fails the step there */ });
      for (const f of options.files) await ctx.register(fileRestorable(f));
      for (const d of options.dirs) await ctx.register(dirRestorable(d));
      if (evidence) await ctx.transport.writeFile(before, JSON.stringify(await evidence) + '\n', { mode: 0o600 });
    },
    async verify(ctx) {
      return ctx.transport.exists(posix.join(ctx.stateDir, BEFORE_FILE));
    },
  });
}
