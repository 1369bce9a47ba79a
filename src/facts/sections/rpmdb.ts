/**
 * The rpmdb section: where the rpm database is and which backend, whether rpm -qa read it cleanly and
 * `rpm --verifydb` passed, the imported keys (gpg-pubkey pseudo packages).
 */
import { keyValues } from '../parse-script.js';
import { rpmQueryOf } from './packages.js';
import { defineSection } from './section.js';

declare module '../types.js' { interface SectionFacts { rpmdb?: RpmdbFacts } }

export interface RpmdbFacts {
  /** rpm -qa succeeded and printed at least one package. */
  healthy: boolean;
  /** Backend files present: bdb (Packages), sqlite (rpmdb.sqlite), ndb (Packages.db). */
  backend?: 'bdb' | 'sqlite' | 'ndb' | 'unknown';
  queryExitCode?: number;
  /** rpm --verifydb exit code, when the host's rpm has it. */
  verifyExitCode?: number;
  packageCount: number;
  /** gpg-pubkey pseudo packages: the rpm keys imported on the host (version = short key id, lower case). */
  importedKeys: { keyId: string; summary?: string }[];
  problems: string[];
}

export const rpmdbSection = defineSection({
  name: 'rpmdb',
  parts: ['rpmdb', 'rpmverify'],
  read(input) {
    const dbkv = keyValues(input.output('rpmdb')?.body ?? '');
    const backend = dbkv.file === 'Packages' ? 'bdb' : dbkv.file === 'rpmdb.sqlite' ? 'sqlite' : dbkv.file === 'Packages.db' ? 'ndb' : 'unknown';
    const pk = input.output('packages');
    const q = rpmQueryOf(input);
    const problems = [...q.problems];
    const v = input.output('rpmverify');
    if (v?.code !== undefined && v.code !== 0) problems.push(`rpm --verifydb exited ${v.code}: ${v.stderr.trim().slice(0, 300)}`);
    const rpmdb: RpmdbFacts = {
      healthy: pk?.code === 0 && (q.packages?.length ?? 0) > 0 && problems.length === 0,
      backend: dbkv.file ? backend : 'unknown',
      ...(pk?.code !== undefined ? { queryExitCode: pk.code } : {}),
      ...(v?.code !== undefined ? { verifyExitCode: v.code } : {}),
      packageCount: q.packages?.length ?? 0,
      importedKeys: q.importedKeys,
      problems,
    };
    // A problem to report, judged after health: health is rpm -qa's and rpm --verifydb's verdict.
    if (!dbkv.dbpath) problems.push(`no rpm database under ${input.root ?? ''}/var/lib/rpm or /usr/lib/sysimage/rpm`);
    return { value: rpmdb };
  },
  script: String.raw`
s_rpmdb() { dbpath; }
# rpm --verifydb is rpmpopt's exec alias for rpmdb --verifydb: run rpmdb itself (one rpm start-up, not two).
s_rpmverify() { if command -v rpmdb >/dev/null 2>&1; then rpmx rpmdb --verifydb; else rpmq --verifydb; fi; }`,
});
