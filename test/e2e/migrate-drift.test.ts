// Configuration drift on the lab: a third-party package whose %config(noreplace) /etc/lab-app.conf changes
// between 1.0 (installed) and 2.0 (in a second repository of the target), the file edited on the host, then a
// real migration (rpm itself writes the .rpmnew during distro-sync). The drift report lists it with the diff of
// the local file against the new package's, and, since the old package's rpm is in dnf's package cache
// (keepcache=1), the three-way merge of both changes; the report is in the migrate result, the state dir
// on the host and the store, and in the migration proof (with the workload diff: the package's crontab changed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessTools } from '../support/shared.js';
import { openFerryStore } from '../../src/app/store.js';
import { stateDirFor } from '../../src/exec/journal.js';
import type { DriftReport } from '../../src/exec/config-drift.js';
import { validateMigrationProof, type ProofSection } from '../../src/report/proof/index.js';
import { buildRepo, buildSource } from '../lab/build.js';
import type { SourceDef } from '../lab/model.js';
import { ferry } from './cli.js';
import { sh, useLab } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'setsid', 'gpg', 'rpm2cpio', 'cpio');
const labOf = useLab(skip);

const CONF_1 = '# lab-app configuration\nlisten = 8080\n\n# workers\nworkers = 2\n\n# logging\nlog_level = info\n';
// the vendor's changes: more workers, a log format
const CONF_2 = '# lab-app configuration\nlisten = 8080\n\n# workers\nworkers = 4\n\n# logging\nlog_level = info\nlog_format = json\n';
// the admin's: another port
const LOCAL = '# lab-app configuration\nlisten = 9090\n\n# workers\nworkers = 2\n\n# logging\nlog_level = info\n';

// the package's crontab changes between versions (not edited on the host: rpm replaces it): a workload finding
const labApp = (version: string, conf: string): SourceDef => ({
  name: 'lab-app', version, release: '1.el8', arch: 'x86_64', vendor: 'Acme Apps', license: 'MIT',
  binaries: [{ name: 'lab-app', requires: ['filesystem'], files: {
    '/etc/lab-app.conf': conf, '/usr/bin/lab-app': `#lab app ${version}\n`, '/etc/cron.d/lab-app': `# lab-app ${version}\n*/5 * * * * root /usr/bin/lab-app --tick\n`,
  } }],
});

test('a locally edited %config(noreplace) file changed by the new package: the .rpmnew rpm wrote, its diff and the three-way merge', { skip }, async () => {
  const lab = labOf();
  const d = await lab.distro('rocky-8');
  const v1 = labApp('1.0', CONF_1);
  const extra = await buildRepo({ id: 'h5-drift-lab-app', sources: [labApp('2.0', CONF_2)] }, lab.cacheDir);
  const host = await lab.host({ from: 'centos-8', localPackages: [v1] });
  const out = mkdtempSync(join(tmpdir(), 'ferry-drift-'));
  try {
    writeFileSync(join(host.root, 'etc/lab-app.conf'), LOCAL);
    // dnf's package cache with keepcache=1: the installed 1.0 rpm as dnf would have kept it
    const cache = join(host.root, 'var/cache/dnf/acme-apps-0123456789abcdef/packages');
    mkdirSync(cache, { recursive: true });
    const rpmDir = await buildSource(v1, lab.cacheDir);
    for (const f of readdirSync(rpmDir).filter((x) => x.endsWith('.rpm'))) copyFileSync(join(rpmDir, f), join(cache, f));
    const store = join(out, 'ferry.db');
    const run = await ferry(['migrate', 'local', '--root', host.root, '--to', 'rocky-8', '--repo', `rocky-8=${d.repoDir}`, '--repo', `rocky-8=${extra}`,
      '--nogpgcheck', '--yes', '--store', store]);
    assert.equal(run.code, 0, run.err + run.out);
    // rpm itself kept the local file and wrote the package's as .rpmnew
    assert.equal(sh(['rpm', '--root', host.root, '-q', 'lab-app'], host.env).stdout.trim(), 'lab-app-2.0-1.el8.x86_64');
    assert.equal(readFileSync(join(host.root, 'etc/lab-app.conf'), 'utf8'), LOCAL);
    assert.equal(readFileSync(join(host.root, 'etc/lab-app.conf.rpmnew'), 'utf8'), CONF_2);
    // the text report: the file, the guidance, the diff local → new package, the clean merge
    assert.match(run.out, /Configuration drift: 1 file\(s\) to merge\n {2}\/etc\/lab-app\.conf\.rpmnew \(lab-app, was lab-app-0:1\.0-1\.el8\.x86_64\)\n {4}Your edited \/etc\/lab-app\.conf was kept/);
    assert.match(run.out, / {4}--- \/etc\/lab-app\.conf \(local\)\n {4}\+\+\+ \/etc\/lab-app\.conf\.rpmnew \(new package\)\n {4}@@ -1,8 \+1,9 @@\n {4} # lab-app configuration\n {4}-listen = 9090\n {4}\+listen = 8080\n(.*\n){2} {4}-workers = 2\n {4}\+workers = 4\n(.*\n){3} {4}\+log_format = json\n/);
    assert.match(run.out, /three-way merge with the original from \/var\/cache\/dnf\/acme-apps-0123456789abcdef\/packages\/lab-app-1\.0-1\.el8\.x86_64\.rpm: clean/);
    console.log(run.out.slice(run.out.indexOf('Configuration drift')));
    // the report on the host and in the store
    const execution = /Migration (\S+):/.exec(run.out)?.[1];
    assert.ok(execution, run.out);
    const onHost = JSON.parse(readFileSync(join(host.root, stateDirFor(execution), 'config-drift.json'), 'utf8')) as DriftReport;
    const [item] = onHost.items;
    assert.deepEqual([onHost.items.length, item.path, item.kind, item.package, item.merge?.clean], [1, '/etc/lab-app.conf.rpmnew', 'rpmnew', 'lab-app', true]);
    // the merge keeps the local port and takes the package's workers and log_format
    assert.equal(item.merge?.text, '# lab-app configuration\nlisten = 9090\n\n# workers\nworkers = 4\n\n# logging\nlog_level = info\nlog_format = json\n');
    const s = await openFerryStore(store);
    try {
      const reports = await s.listExecutionReports(execution);
      assert.deepEqual(reports.map((r) => r.kind), ['config-drift', 'workload', 'workload-before']);
      assert.deepEqual(reports[0].report, JSON.parse(JSON.stringify(onHost)));
    } finally {
      await s.close();
    }
    assert.ok(!existsSync(join(host.root, 'etc/lab-app.conf.rpmsave')));
    // the migration proof carries both, from the store's execution reports, and without a store from the host's state dir
    const cron = { key: 'workload-diff:crontab-changed:/etc/cron.d/lab-app', severity: 'medium', ok: true, title: 'The crontab /etc/cron.d/lab-app was changed' };
    const conf = { key: 'config-drift:/etc/lab-app.conf.rpmnew', title: '/etc/lab-app.conf.rpmnew (lab-app)', severity: 'medium', ok: true };
    for (const [args, source] of [[['--store', store], 'store'], [['--store', join(out, 'empty.db')], 'host']] as const) {
      const proof = await ferry(['proof', 'local', '--root', host.root, ...args, '--json']);
      const p = JSON.parse(proof.out) as { formatVersion: number; workload: ProofSection; configuration: ProofSection };
      assert.deepEqual(validateMigrationProof(p), []);
      assert.equal(p.formatVersion, 2);
      assert.ok(p.workload.status === 'provided' && p.configuration.status === 'provided', proof.out);
      assert.deepEqual([p.workload.source, p.workload.ok, p.configuration.source, p.configuration.ok], [source, true, source, true]);
      assert.deepEqual(p.workload.items.filter((i) => i.key.startsWith('workload-diff:crontab')).map(({ key, severity, ok, title }) => ({ key, severity, ok, title })), [cron]);
      assert.deepEqual(p.configuration.items.map(({ key, title, severity, ok }) => ({ key, title, severity, ok })), [conf]);
      assert.match(p.configuration.items[0]?.detail ?? '', /\(three-way merge: clean\)$/);
    }
    const text = await ferry(['proof', 'local', '--root', host.root, '--store', store]);
    assert.match(text.out, /\n {2}configuration: ok: 1 finding\(s\), 0 high, from the store\n {4}configuration: \[medium\] \/etc\/lab-app\.conf\.rpmnew \(lab-app\) — /);
    assert.match(text.out, /\n {4}workload: \[medium\] The crontab \/etc\/cron\.d\/lab-app was changed/);
    console.log(text.out);
  } finally {
    rmSync(out, { recursive: true, force: true });
    host.dispose();
  }
});
