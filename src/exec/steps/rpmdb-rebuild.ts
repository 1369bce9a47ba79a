/**
 * The rpm database moved to the target's format (../../plan/steps/rpmdb-rebuild.ts) right before the target
 * transaction, as Leapp's dnfplugin does for a target major of 9 or later (`rpmdb --rebuilddb`, _rebuild_rpm_db):
 * no earlier step writes the host's rpm database (the target keys are imported after this step), so this is its
 * first write. The rpm that rebuilds is the one that then runs the transaction: the transport's `rpm`, with
 * `_db_backend sqlite`, the backend EL9's rpm writes; it reads the old database (Berkeley DB through bdb_ro on rpm
 * 4.16 and later) and writes rpmdb.sqlite, removing the old files. In the lab that is Debian's rpm 4.18, which
 * writes sqlite as EL9's 4.16 does. Ferry builds no target userspace (../../plan/recipes/cross-major-pes.ts), so on
 * a real EL8 host this rpm is the host's 4.14: Leapp runs the target's rpm from its userspace there, which Ferry
 * does not yet do.
 *
 * /var/lib/rpm is registered before the rebuild, so a rollback before the point of no return puts the database
 * back as it was, byte for byte. Applied again on resume it rebuilds again, which changes nothing of the packages.
 */
import { posix } from 'node:path';
import { runChecked } from '../journal.js';
import { dirRestorable } from '../restorables.js';
import { defineStep } from '../runner.js';
import type { Step, StepContext } from '../types.js';
import { rpmArgv } from '../package-manager/index.js';
import { rpmdbRebuildKind, type RpmdbRebuildOptions } from '../../plan/steps/index.js';

const RPMDB_DIR = '/var/lib/rpm';
/** Files of the formats the rebuild leaves behind: Berkeley DB's Packages, ndb's Packages.db. */
const OLD_FILES = ['Packages', 'Packages.db'];

async function inSqlite(ctx: StepContext): Promise<{ ok: boolean; detail: string }> {
  const t = ctx.transport;
  const left = [];
  for (const f of OLD_FILES) if (await t.exists(posix.join(RPMDB_DIR, f))) left.push(f);
  const sqlite = await t.exists(posix.join(RPMDB_DIR, 'rpmdb.sqlite'));
  if (!sqlite || left.length) return { ok: false, detail: `${RPMDB_DIR} holds ${[...(sqlite ? ['rpmdb.sqlite'] : []), ...left].join(', ') || 'no database file'}: not (only) the sqlite database` };
  const q = await t.run(rpmArgv(t, '-qa', '--qf', '%{NAME}\\n'));
  const count = q.stdout.split('\n').filter(Boolean).length;
  if (q.code !== 0 || count === 0) return { ok: false, detail: `the rebuilt rpm database does not answer rpm -qa (exit ${q.code}): ${q.stderr.trim().slice(0, 300)}` };
  return { ok: true, detail: `${RPMDB_DIR}/rpmdb.sqlite answers rpm -qa with ${count} package(s); no Berkeley DB or ndb file left` };
}

export function rpmdbRebuildStep(options: RpmdbRebuildOptions): Step<RpmdbRebuildOptions> {
  return defineStep<RpmdbRebuildOptions>({
    ...rpmdbRebuildKind.spec(options),
    describe: () => [`back up ${RPMDB_DIR} (rollback restores the ${options.from} database)`, `rpm --define '_db_backend sqlite' --rebuilddb: the first write of the host's rpm database, right before the target transaction`],
    async apply(ctx) {
      await ctx.register(dirRestorable(RPMDB_DIR));
      await runChecked(ctx.transport, rpmArgv(ctx.transport, '--define', '_db_backend sqlite', '--rebuilddb'), 'rpm --rebuilddb');
      const after = await inSqlite(ctx);
      ctx.output(`rpm database rebuilt: ${after.detail}`);
    },
    isApplied: async (ctx) => options.from !== 'sqlite' && (await inSqlite(ctx)).ok,
    verify: inSqlite,
  });
}
