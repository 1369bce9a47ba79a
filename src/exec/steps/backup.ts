/**
 * Backup: registers a restorable for every file and directory the conversion may change (repo files,
 * release files, /etc/issue, alternatives, module state, keys, the rpm database) — the restorables are
 * the backup, kept in the execution's state dir on the host — and records the "before" evidence verify
 * compares against: the installed package set, `rpm -Va` and the enabled services.
 */
import { posix } from 'node:path';
import { dirRestorable, fileRestorable } from '../restorables.js';
import { defineStep } from '../runner.js';
import type { Step } from '../types.js';
import { captureEvidence } from '../verify.js';

export type BackupOptions = { files: string[]; dirs: string[] };

export function backupStep(options: BackupOptions): Step<BackupOptions> {
  return defineStep<BackupOptions>({
    kind: 'backup',
    title: 'Back up repo files, release files, rpmdb, alternatives, /etc/issue',
    options,
    describe: () => [...options.files.map((f) => `back up file ${f}`), ...options.dirs.map((d) => `back up directory ${d}`), 'record rpm -Va, packages and enabled services'],
    async apply(ctx) {
      for (const f of options.files) await ctx.register(fileRestorable(f));
      for (const d of options.dirs) await ctx.register(dirRestorable(d));
      const before = posix.join(ctx.stateDir, 'before.json');
      if (!await ctx.transport.exists(before)) {
        await ctx.transport.writeFile(before, JSON.stringify(await captureEvidence(ctx.transport)) + '\n', { mode: 0o600 });
      }
    },
    async verify(ctx) {
      return ctx.transport.exists(posix.join(ctx.stateDir, 'before.json'));
    },
  });
}
