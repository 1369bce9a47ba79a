// The cases the rules miss, on hand-built rpms, against the real dnf: each case installs its packages into a scratch
// root, and `dnf distro-sync --allowerasing --assumeno` (best=True, as Ferry's private dnf.conf) against a repository of
// the target packages says what happens; Ferry reads the root (collectFacts), solves (predictMigration) and maps the
// transaction to fates (computeFates): among them allowuninstall (an upgrade that cannot install erases its package),
// forcebest (best=True: not an older build instead) and yumobsoletes (several obsoleters of one package all installed).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessTools } from '../support/shared.js';
import { collectFacts } from '../../src/facts/index.js';
import { computeFates } from '../../src/assess/fates.js';
import { predictMigration } from '../../src/assess/predict.js';
import type { PackageFate } from '../../src/assess/types.js';
import { loadTargetRepos } from '../../src/app/repos.js';
import { parseTransactionSummary } from '../../src/exec/package-manager/transaction-summary.js';
import { parseEvr } from '../../src/rpm/evr.js';
import { formatNevra } from '../../src/rpm/nevra.js';
import { createLocalTransport } from '../../src/transport/local.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'dnf', 'rpm');
const work = mkdtempSync(join(tmpdir(), 'ferry-fates-solver-'));
after(() => rmSync(work, { recursive: true, force: true }));
const home = join(work, 'home');
mkdirSync(home);
writeFileSync(join(home, '.rpmmacros'), '%_dbpath /var/lib/rpm\n');
const env = { ...process.env, HOME: home };

function run(argv: string[], allowFail = false): { status: number | null; out: string } {
  const r = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8' });
  if (r.status !== 0 && !allowFail) throw new Error(`${argv.join(' ')}: ${r.stderr}${r.stdout}`);
  return { status: r.status, out: r.stdout + r.stderr };
}

/** `name-version` with extra spec header lines, built noarch (vendor ACME: a third party, or CentOS). */
interface Spec { name: string; version: string; vendor?: string; lines?: string[] }

function build(specs: Spec[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  for (const s of specs) {
    const spec = join(work, `${s.name}-${s.version}.spec`);
    writeFileSync(spec, [`Name: ${s.name}`, `Version: ${s.version}`, 'Release: 1', 'Summary: t', 'License: MIT', 'BuildArch: noarch',
      `Vendor: ${s.vendor ?? 'CentOS'}`, ...(s.lines ?? []), '%description', 't', '%files', ''].join('\n'));
    run(['rpmbuild', '-bb', '--quiet', '--define', `_topdir ${join(work, 'rpmbuild')}`, '--define', `_rpmdir ${dir}`, spec]);
  }
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.rpm')).map((f) => join(dir, f));
}

/** `unsolvable`: dnf finds no transaction; Ferry's solver must find none either. */
interface Case { label: string; installed: Spec[]; target: Spec[]; todo?: string; unsolvable?: boolean }

const CASES: Case[] = [
  { label: 'a target package Conflicts with a third-party one: dnf erases it (the rules: third-party, left alone)',
    installed: [{ name: 'lib', version: '1.0' }, { name: 'agent', version: '2.0', vendor: 'ACME' }],
    target: [{ name: 'lib', version: '2.0', lines: ['Conflicts: agent'] }] },
  { label: 'a package pinned to the old build of an upgraded one: erased, with the chain',
    installed: [{ name: 'lib', version: '1.0' }, { name: 'pinned', version: '1.0', vendor: 'ACME', lines: ['Requires: lib = 1.0-1'] }],
    target: [{ name: 'lib', version: '2.0' }] },
  { label: 'an obsoleter of another name whose Obsoletes range misses the installed EVR: the same name upgrades',
    installed: [{ name: 'tools', version: '1.0' }],
    target: [{ name: 'tools', version: '2.0' }, { name: 'tools-ng', version: '2.0', lines: ['Obsoletes: tools < 0.9'] }] },
  { label: 'an upgrade that cannot install: dnf erases the package (--allowerasing)',
    installed: [{ name: 'tool', version: '1.0' }], target: [{ name: 'tool', version: '2.0', lines: ['Requires: libgone'] }] },
  { label: 'the best target build cannot install, an older one could: with best=True neither dnf nor Ferry finds a transaction (forcebest; the best rule keeps --allowerasing from erasing it)',
    unsolvable: true,
    installed: [{ name: 'tool2', version: '1.0' }],
    target: [{ name: 'tool2', version: '2.0', lines: ['Requires: libgone'] }, { name: 'tool2', version: '1.5' }] },
  { label: 'two target packages obsolete one installed: dnf installs both (yumobsoletes)',
    installed: [{ name: 'a11', version: '1.0' }], target: [{ name: 'b11', version: '1.0', lines: ['Obsoletes: a11'] }, { name: 'c11', version: '1.0', lines: ['Obsoletes: a11'] }] },
];

/** dnf's outcome per installed NEVRA, in the fates' terms. */
function dnfOutcomes(text: string, installed: string[]): Map<string, string> {
  const nevra = (p: { name: string; arch: string; evr: string }): string => formatNevra({ name: p.name, arch: p.arch, ...parseEvr(p.evr) });
  const rows = parseTransactionSummary(text).packages;
  return new Map(installed.map((n) => {
    const name = n.replace(/-[^-]+-[^-]+$/, '');
    const replacers = rows.filter((r) => r.replacing.some((x) => nevra(x) === n)).map(nevra).sort();
    const same = rows.find((r) => r.name === name && ['upgrade', 'downgrade', 'reinstall'].includes(r.action));
    const outcome = same ? `${same.action === 'reinstall' ? 'same' : same.action} ${nevra(same)}` : replacers.length ? `replaced ${replacers.join(',')}`
      : rows.some((r) => r.action.startsWith('remove') && nevra(r) === n) ? 'erased' : 'kept';
    return [n, outcome];
  }));
}

const outcome = (f: PackageFate): string => (f.fate === 'missing' || f.fate === 'third-party' ? 'kept' : f.fate === 'erased' ? 'erased' : `${f.fate} ${(f.target ?? []).join(',')}`);

CASES.forEach((c, i) => {
  test(c.label, { skip, ...(c.todo ? { todo: c.todo } : {}), timeout: 60_000 }, async () => {
    const dir = join(work, `case${i}`);
    const root = join(dir, 'root');
    const repo = join(dir, 'repo');
    mkdirSync(root, { recursive: true });
    const rpms = build(c.installed, join(dir, 'installed'));
    build(c.target, repo);
    run(['createrepo_c', '-q', repo]);
    run(['rpm', '--root', root, '--initdb']);
    run(['rpm', '--root', root, '-i', '--nodeps', ...rpms]);
    const conf = join(dir, 'dnf.conf');
    writeFileSync(conf, ['[main]', 'gpgcheck=0', 'best=True', 'install_weak_deps=False', 'installonly_limit=3', `cachedir=${join(dir, 'cache')}`,
      `reposdir=${join(dir, 'repos.d')}`, '', '[target]', 'name=target', `baseurl=file://${repo}`, 'enabled=1', ''].join('\n'));
    const dnf = run(['dnf', '--config', conf, '--installroot', root, '--releasever', '8', `--setopt=reposdir=${join(dir, 'repos.d')}`, '--disableplugin=*',
      '--setopt=protected_packages=', '--noautoremove', 'distro-sync', '--allowerasing', '--assumeno'], true);
    assert.match(dnf.out, c.unsolvable ? /cannot install the best update candidate/ : /Operation aborted/, dnf.out);

    const transport = createLocalTransport({ root });
    const facts = await collectFacts(transport).finally(() => transport.close());
    const installed = facts.packages ?? [];
    const target = await loadTargetRepos('rocky-8', [repo]);
    const prediction = predictMigration({ installed, dependencies: facts.dependencies ?? [], target: target.pool.packages, swap: { remove: [], install: [] }, arch: 'x86_64' });
    if (c.unsolvable) { assert.equal(prediction.ok, false, 'dnf finds no transaction, the solver does'); return; }
    assert.ok(prediction.ok, `the solver finds no transaction: ${prediction.ok ? '' : prediction.problems.join('; ')}`);
    const fates = computeFates({ installed, pool: target.pool, baseArch: 'x86_64', origin: { sourceVendor: 'CentOS' }, transaction: prediction.changes });
    const actual = dnfOutcomes(dnf.out, installed.map((p) => formatNevra(p)));
    const ferry = new Map(fates.map((f) => [f.installed, outcome(f)]));
    assert.deepEqual(Object.fromEntries(ferry), Object.fromEntries(actual));
    // the erasures say why
    for (const f of fates.filter((x) => x.fate === 'erased')) assert.match(f.reason ?? '', /^(conflicts with|requires) /, f.installed);
  });
});
