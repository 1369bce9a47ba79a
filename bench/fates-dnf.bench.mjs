/* global performance */
// Real package lists against real dnf: the fates Ferry predicts for a CentOS container image's package list
// (../shared/data/manifests, docker-library/repo-info 2020) against CentOS Stream 9 BaseOS (20220207) + AppStream
// (20250113), held against what `dnf distro-sync --allowerasing --assumeno` does to the same installed set.
// dnf needs an rpm database, so each listed package becomes a stub rpm of the same name, epoch, version, release
// and arch (no files, no requires; the epoch the list leaves out is the target's, as fates.ts withTargetEpoch takes
// it), installed into a scratch root with rpm --justdb. Ferry reads that root as any host (collectFacts: packages
// and their dependencies) and predicts two ways: the rules alone (computeFates with no transaction, what a bare
// package list gets) and the solver's transaction (predictMigration, then computeFates reading it). Plain
// distro-sync on both sides: no vendor swap, no PES (their fates are the catalog's, not dnf's). Per package the
// outcome compared is the fate and its target NEVRAs; `kept` is missing or third-party. FERRY_FATES_MANIFESTS
// (comma-separated file names) picks the lists; default centos_7.txt,centos_8.txt.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assessHost } from '../dist/app/assess.js';
import { loadTargetRepos } from '../dist/app/repos.js';
import { computeFates } from '../dist/assess/fates.js';
import { predictMigration } from '../dist/assess/predict.js';
import { collectFacts } from '../dist/facts/index.js';
import { parseTransactionSummary } from '../dist/exec/package-manager/transaction-summary.js';
import { compareEvr, parseEvr } from '../dist/rpm/evr.js';
import { formatNevra, parseNevra } from '../dist/rpm/nevra.js';
import { createLocalTransport } from '../dist/transport/local.js';

const root = resolve(import.meta.dirname, '..');
// The two snapshots disagree (AppStream 2025's libdb-utils, dbus-daemon, lua need BaseOS builds the 2022 BaseOS lacks): with
// best=True dnf refuses the whole distro-sync, so the comparison runs best=False (FERRY_FATES_BEST=True to try), which
// Ferry's solver models (it does not force the best candidate: predict.ts).
const BEST = process.env.FERRY_FATES_BEST ?? 'False';
const shared = resolve(root, '..', 'shared', 'data');
const REPOS = ['cs9-baseos-20220207', 'cs9-appstream-20250113'].map((d) => join(shared, 'repodata', d));
const MANIFESTS = (process.env.FERRY_FATES_MANIFESTS ?? 'centos_7.txt,centos_8.txt').split(',').map((f) => join(shared, 'manifests', 'docker-repo-info-2020', f));
if (![...REPOS, ...MANIFESTS].every((p) => existsSync(p))) {
  console.log('skipped: ../shared/data (CS9 repodata or the manifests) is absent');
  process.exit(0);
}
for (const tool of ['rpm', 'rpmbuild', 'dnf']) {
  if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) { console.log(`skipped: ${tool} is not installed`); process.exit(0); }
}

const run = (argv, opts = {}) => {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${argv.slice(0, 4).join(' ')}…: exit ${r.status}\n${r.stderr}${r.stdout}`.slice(0, 4000));
  return r;
};

const work = mkdtempSync(join(tmpdir(), 'ferry-fates-dnf-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
// rpm's database inside each root at /var/lib/rpm, where dnf and the facts scanner look (Debian's rpm defaults to ~/.rpmdb)
mkdirSync(join(work, 'home'));
writeFileSync(join(work, 'home', '.rpmmacros'), '%_dbpath /var/lib/rpm\n');
process.env.HOME = join(work, 'home');
const target = await loadTargetRepos('centos-stream-9', REPOS);

/** The target's epoch for a listed package: the same version-release's, else the newest of its name's (withTargetEpoch). */
function epochOf(p) {
  const same = target.pool.byName(p.name).filter((t) => t.arch !== 'src');
  const byVr = same.find((t) => t.version === p.version && t.release === p.release);
  const from = byVr ?? same.reduce((a, t) => (!a || compareEvr(t, a) > 0 ? t : a), undefined);
  return from?.epoch ?? 0;
}

function buildStubs(listed, dir) {
  const top = join(dir, 'rpmbuild');
  const specs = listed.map((p, i) => {
    const spec = join(dir, `s${i}.spec`);
    writeFileSync(spec, [`Name: ${p.name}`, ...(p.epoch ? [`Epoch: ${p.epoch}`] : []), `Version: ${p.version}`, `Release: ${p.release}`,
      'Summary: stub', 'License: none', ...(p.arch === 'noarch' ? ['BuildArch: noarch'] : []), 'AutoReqProv: no',
      '%description', 'stub of a listed package', '%files', ''].join('\n'));
    return { spec, arch: p.arch };
  });
  // two at a time (the machine has two cores)
  for (let i = 0; i < specs.length; i += 8) {
    const batch = specs.slice(i, i + 8);
    const script = batch.map((s) => `rpmbuild -bb --quiet --define '_topdir ${top}/${s.spec.replace(/.*\/s(\d+)\.spec$/, '$1')}' --define '_rpmdir ${dir}/rpms' --define '_build_id_links none' ${s.arch !== 'noarch' ? `--target ${s.arch}` : ''} '${s.spec}' >${s.spec}.log 2>&1 || { echo "failed ${s.spec}"; tail -5 ${s.spec}.log; }`);
    const half = Math.ceil(script.length / 2);
    const r = run(['sh', '-c', `( ${script.slice(0, half).join('; ')} ) & ( ${script.slice(half).join('; ') || 'true'} ); wait`]);
    if (r.stdout.includes('failed')) throw new Error(r.stdout);
  }
  return readdirSync(join(dir, 'rpms'), { recursive: true }).filter((f) => String(f).endsWith('.rpm')).map((f) => join(dir, 'rpms', String(f)));
}

/** What dnf did to each installed NEVRA: fate and target NEVRAs, or kept / removed. */
function dnfOutcomes(installed, text) {
  const nevra = (p) => formatNevra({ name: p.name, arch: p.arch, ...parseEvr(p.evr) });
  const rows = parseTransactionSummary(text).packages.map((p) => ({ ...p, nevra: nevra(p), replacing: p.replacing.map(nevra) }));
  const out = new Map();
  for (const p of installed) {
    const n = formatNevra(p);
    const replacers = rows.filter((r) => r.replacing.includes(n)).map((r) => r.nevra).sort();
    const same = rows.filter((r) => r.name === p.name && (r.arch === p.arch || r.arch === 'noarch' || p.arch === 'noarch'));
    const pick = (a) => same.find((r) => r.action === a);
    const installonly = same.find((r) => r.action === 'install' || r.action === 'install-dependency');
    const o = pick('upgrade') ? ['upgrade', [pick('upgrade').nevra]] : pick('downgrade') ? ['downgrade', [pick('downgrade').nevra]]
      : pick('reinstall') ? ['same', [pick('reinstall').nevra]] : replacers.length ? ['replaced', replacers] : installonly ? ['upgrade', [installonly.nevra]]
        : rows.some((r) => r.action.startsWith('remove') && r.nevra === n) ? ['erased', []] : ['kept', []];
    out.set(n, o);
  }
  return out;
}

const outcomeOf = (f) => [f.fate === 'missing' || f.fate === 'third-party' ? 'kept' : f.fate, f.fate === 'erased' ? [] : [...(f.target ?? [])].sort()];
const key = (o) => `${o[0]} ${o[1].join(',')}`;

const totals = { n: 0, rules: 0, tx: 0, nl: 0, list: 0 };
for (const file of MANIFESTS) {
  const name = file.split('/').pop();
  const dir = join(work, name);
  mkdirSync(join(dir, 'rpms'), { recursive: true });
  const listed = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('gpg-pubkey'))
    .map((l) => parseNevra(l)).map((p) => ({ ...p, epoch: epochOf(p) }));
  const t0 = performance.now();
  const rpms = buildStubs(listed, dir);
  const host = join(dir, 'root');
  mkdirSync(host, { recursive: true });
  run(['rpm', '--root', host, '--initdb']);
  run(['rpm', '--root', host, '-i', '--justdb', '--nodeps', '--ignorearch', '--noscripts', ...rpms]);
  const built = performance.now() - t0;

  const transport = createLocalTransport({ root: host });
  const facts = await collectFacts(transport).finally(() => transport.close());
  const installed = (facts.packages ?? []).filter((p) => p.name !== 'gpg-pubkey');
  const base = { installed, pool: target.pool, ...(target.modules ? { modules: target.modules } : {}), moduleStates: [], baseArch: 'x86_64', origin: {} };
  const t1 = performance.now();
  const rules = computeFates(base);
  const t2 = performance.now();
  const prediction = predictMigration({ installed, dependencies: facts.dependencies ?? [], target: target.pool.packages, ...(target.modules ? { modules: target.modules } : {}),
    moduleStates: [], swap: { remove: [], install: [] }, arch: 'x86_64' });
  const t3 = performance.now();
  if (!prediction.ok) { console.log(`${name}: the solver finds no transaction: ${prediction.problems.join('; ')}`); continue; }
  const solved = computeFates({ ...base, transaction: prediction.changes });

  const conf = join(dir, 'dnf.conf');
  writeFileSync(conf, ['[main]', 'gpgcheck=0', 'installonly_limit=3', `best=${BEST}`, 'install_weak_deps=False', `cachedir=${join(dir, 'cache')}`,
    `reposdir=${join(dir, 'repos.d')}`, 'module_platform_id=platform:el9', '',
    ...REPOS.flatMap((r, i) => [`[cs9-${i}]`, `name=${r}`, `baseurl=file://${r}`, 'enabled=1', '']),
  ].join('\n'));
  const t4 = performance.now();
  const sync = run(['dnf', '--config', conf, '--installroot', host, '--releasever', '9', `--setopt=reposdir=${join(dir, 'repos.d')}`, '--disableplugin=*',
    '--setopt=protected_packages=', '--noautoremove', 'distro-sync', '--allowerasing', '--assumeno'], { allowFail: true });
  const t5 = performance.now();
  if (!/Operation aborted/.test(sync.stdout + sync.stderr)) { console.log(`${name}: dnf found no transaction:\n${(sync.stdout + sync.stderr).slice(0, 3000)}`); continue; }
  const actual = dnfOutcomes(installed, sync.stdout);

  // the list itself as `ferry assess --manifest` reads it (no stubs: assess.ts gives the solver each listed package
  // alone), its vendor swap's and PES's packages left out (dnf here runs no swap)
  const assessed = (await assessHost({ manifest: file, targets: ['centos-stream-9'], repos: { 'centos-stream-9': REPOS }, today: '2024-06-01' })).targets[0].fates
    .map((f) => ({ ...f, installed: formatNevra(installed.find((p) => p.name === f.name && p.arch === f.arch) ?? parseNevra(f.installed)) }));
  const miss = { rules: [], tx: [], list: [] };
  const skipped = new Set(assessed.filter((f) => f.via === 'vendor-swap' || f.via === 'pes').map((f) => f.installed));
  for (const [which, fates] of [['rules', rules], ['tx', solved], ['list', assessed.filter((f) => !skipped.has(f.installed))]]) {
    for (const f of fates) {
      const a = actual.get(f.installed);
      if (!a) { miss[which].push(`${f.installed}: not in the root`); continue; }
      if (key(a) !== key(outcomeOf(f))) miss[which].push(`${f.installed}: predicted ${key(outcomeOf(f))}; dnf ${key(a)}`);
    }
  }
  const n = installed.length;
  const nl = n - skipped.size;
  totals.n += n; totals.rules += n - miss.rules.length; totals.tx += n - miss.tx.length; totals.nl += nl; totals.list += nl - miss.list.length;
  const pct = (k) => `${(100 * (n - miss[k].length) / n).toFixed(1)} %`;
  console.log(`${name}: ${n} packages; agreement with dnf: rules ${n - miss.rules.length}/${n} (${pct('rules')}), transaction ${n - miss.tx.length}/${n} (${pct('tx')}), `
    + `ferry assess --manifest ${nl - miss.list.length}/${nl} (${(100 * (nl - miss.list.length) / nl).toFixed(1)} %, ${skipped.size} swap/PES packages left out); `
    + `stubs ${(built / 1000).toFixed(1)} s, rules ${(t2 - t1).toFixed(0)} ms, solver ${(t3 - t2).toFixed(0)} ms, dnf ${((t5 - t4) / 1000).toFixed(1)} s`);
  for (const d of miss.rules) console.log(`  rules:       ${d}`);
  for (const d of miss.tx) console.log(`  transaction: ${d}`);
  for (const d of miss.list) console.log(`  list:        ${d}`);
  if (process.env.FERRY_FATES_DUMP) {
    for (const d of [...miss.tx, ...miss.rules]) {
      const n = d.split(':')[0];
      const p = installed.find((x) => formatNevra(x) === n);
      console.log(`    ${n}: Ferry ${prediction.changes.filter((c) => c.name === p?.name || c.from === n || c.nevra === n || c.by === n).map((c) => `${c.action} ${c.nevra}${c.by ? ` by ${c.by}` : ''}${c.from ? ` from ${c.from}` : ''}`).join('; ')}`);
      console.log(`    ${n}: dnf ${parseTransactionSummary(sync.stdout).packages.filter((r) => r.name === p?.name || r.replacing.some((x) => x.name === p?.name)).map((r) => `${r.action} ${r.name}-${r.evr}${r.replacing.length ? ` replacing ${r.replacing.map((x) => `${x.name}-${x.evr}`).join(',')}` : ''}`).join('; ')}`);
    }
  }
}
if (totals.n) {
  const pct = (k) => `${(100 * totals[k] / totals.n).toFixed(1)} %`;
  console.log(`all: ${totals.n} packages; agreement with dnf: rules ${totals.rules} (${pct('rules')}), transaction ${totals.tx} (${pct('tx')}); `
    + `ferry assess --manifest ${totals.list}/${totals.nl} (${(100 * totals.list / totals.nl).toFixed(1)} %)`);
}
