// Differential test: the fates the assessment predicts for lab hosts (from the solver's transaction over the
// collected facts) and the rules alone (computeFates without a transaction, as for a package list) against what the real dnf does.
// Per host: the conversion's vendor swap is run for real (migrate2rocky's package_swaps(), as
// test/lab/lab.test.ts does it, with the lab's own vendor package lists), then
// `dnf distro-sync --allowerasing --assumeno` prints the transaction it would run; its table is parsed
// and every installed package's outcome compared with the prediction, both ways, exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLab, type Lab, type LabDistro, type LabHost } from '../lab/lab.js';
import { skipUnlessTools } from '../support/shared.js';
import { loadCatalog } from '../../src/catalog/index.js';
import { parseModuleFile, type InstalledPackage, type ModuleStreamState } from '../../src/facts/index.js';
import { parseEvr } from '../../src/rpm/evr.js';
import { formatNevra } from '../../src/rpm/nevra.js';
import { createPool } from '../../src/rpm/pool.js';
import { loadPackages, openRepo, readAll } from '../../src/rpm/repodata/index.js';
import { parseModulesYaml } from '../../src/rpm/repodata/modules.js';
import { parseTransactionSummary, type TransactionAction } from '../../src/exec/package-manager/transaction-summary.js';
import { computeFates, countFates } from '../../src/assess/fates.js';
import { detectSourceVendor } from '../../src/assess/origin.js';
import { computeVendorSwap, vendorSwapPlan } from '../../src/assess/vendor-swap.js';
import { baseFacts } from '../../src/assess/testing/fixtures.js';
import type { Fate, FateCounts, PackageFate } from '../../src/assess/types.js';
import { assessTargets } from '../../src/assess/assess.js';
import { collectFacts } from '../../src/facts/index.js';
import { loadTargetRepos } from '../../src/app/repos.js';
import { createLocalTransport } from '../../src/transport/local.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm');
let lab: Lab;
before(async () => { if (!skip) lab = await createLab(); });
after(async () => { await lab?.close(); });

function sh(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(args[0], args.slice(1), { env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SEP = '\x1f';
function installedOf(host: LabHost): InstalledPackage[] {
  const qf = ['%{NAME}', '%{EPOCHNUM}', '%{VERSION}', '%{RELEASE}', '%{ARCH}', '%{VENDOR}'].join(SEP) + '\\n';
  const r = sh(['rpm', '--root', host.root, '-qa', '--qf', qf], host.env);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((line) => {
    const [name, epoch, version, release, arch, vendor] = line.split(SEP);
    return { name, epoch: Number(epoch), version, release, arch, ...(vendor !== '(none)' ? { vendor } : {}) };
  });
}

function moduleStatesOf(root: string): ModuleStreamState[] {
  const dir = join(root, 'etc/dnf/modules.d');
  return readdirSync(dir).filter((f) => f.endsWith('.module'))
    .flatMap((f) => parseModuleFile(readFileSync(join(dir, f), 'utf8'), `/etc/dnf/modules.d/${f}`));
}

interface Row { section: string; nevra: string; name: string; arch: string; replacing: string[] }

const SECTION: Record<TransactionAction, string> = {
  'install': 'Installing', 'install-dependency': 'Installing dependencies', 'upgrade': 'Upgrading', 'reinstall': 'Reinstalling',
  'downgrade': 'Downgrading', 'remove': 'Removing', 'remove-dependent': 'Removing dependent packages', 'remove-unused': 'Removing unused dependencies', 'other': 'other',
};

/** dnf's transaction table as rows, read by the one parser of it (src/exec/package-manager/transaction-summary.ts). */
export function parseTransaction(text: string): Row[] {
  const nevra = (p: { name: string; arch: string; evr: string }): string => formatNevra({ name: p.name, arch: p.arch, ...parseEvr(p.evr) });
  return parseTransactionSummary(text).packages.map((p) => ({ section: SECTION[p.action], name: p.name, arch: p.arch, nevra: nevra(p), replacing: p.replacing.map(nevra) }));
}

interface Outcome { fate: Fate | 'kept' | 'removed'; target: string[] }

/** What dnf did to each installed package (NEVRA → outcome), from the swap and the distro-sync table. */
function dnfOutcomes(installed: InstalledPackage[], swapped: Map<string, string[]>, rows: Row[]): Map<string, Outcome> {
  const out = new Map<string, Outcome>();
  for (const p of installed) {
    if (p.name === 'gpg-pubkey') continue;
    const nevra = formatNevra(p);
    const swap = swapped.get(nevra);
    const replacers = rows.filter((r) => r.replacing.includes(nevra)).map((r) => r.nevra).sort();
    const same = rows.filter((r) => r.name === p.name && (r.arch === p.arch || r.arch === 'noarch' || p.arch === 'noarch'));
    const pick = (section: string): Row | undefined => same.find((r) => r.section === section);
    // install-only packages (kernels): the newer one is installed beside the old one
    const installonly = same.find((r) => r.section.startsWith('Installing'));
    let o: Outcome;
    if (swap) o = { fate: 'replaced', target: swap };
    else if (replacers.length) o = { fate: 'replaced', target: replacers };
    else if (pick('Upgrading')) o = { fate: 'upgrade', target: [pick('Upgrading')!.nevra] };
    else if (pick('Downgrading')) o = { fate: 'downgrade', target: [pick('Downgrading')!.nevra] };
    else if (pick('Reinstalling')) o = { fate: 'same', target: [pick('Reinstalling')!.nevra] };
    else if (installonly) o = { fate: 'upgrade', target: [installonly.nevra] };
    else if (rows.some((r) => r.section.startsWith('Removing') && r.nevra === nevra)) o = { fate: 'removed', target: [] };
    else o = { fate: 'kept', target: [] };
    out.set(nevra, o);
  }
  return out;
}

async function compareHost(from: string, rocky: LabDistro, opts: { extras?: string[]; epel?: boolean; noRepoPackage?: boolean }): Promise<FateCounts> {
  const catalog = loadCatalog();
  const source = await lab.distro(from);
  const host = await lab.host({ from, ...opts });
  const installed = installedOf(host);
  // the assessment's fates (the solver's transaction over the collected facts) and the rules alone (a package list without dependencies)
  const transport = createLocalTransport({ root: host.root });
  let solved: PackageFate[];
  try {
    const facts = await collectFacts(transport);
    assert.ok(facts.dependencies?.length, 'the facts carry the installed dependencies');
    const targetRepo = await loadTargetRepos('rocky-8', [rocky.repoDir]);
    solved = assessTargets({ facts, catalog, targets: [{ release: 'rocky-8', repo: targetRepo }], today: '2026-01-01' }).targets[0].fates;
  } finally {
    await transport.close();
  }

  // prediction
  const repo = await openRepo(rocky.repoDir);
  const pool = createPool(await loadPackages(repo));
  const modules = repo.entry('modules') ? parseModulesYaml((await readAll(await repo.openData('modules'))).toString('utf8'), 'modules.yaml') : undefined;
  const osId = /^ID="?([^"\n]*)"?$/m.exec(readFileSync(join(host.root, 'etc/os-release'), 'utf8'))?.[1];
  // as assess and the plan see it: the installed names and what the target repositories carry
  const swapInput = { catalog, source: from, target: 'rocky-8', installed: new Set(installed.map((p) => p.name)), osId,
    available: new Set(pool.latest().map((p) => p.name)) };
  const vendorSwap = computeVendorSwap(swapInput);
  const sourceVendor = detectSourceVendor(baseFacts({ packages: installed }), [source.releasePackage]);
  const predicted = computeFates({ installed, pool, modules, moduleStates: moduleStatesOf(host.root), vendorSwap,
    origin: { sourceVendor }, baseArch: 'x86_64' });

  // dnf: the plan's vendor swap for real (vendorSwapPlan, what the swap step runs), then distro-sync --assumeno
  const script = join(host.root, '..', 'swap.dnf');
  const plan = vendorSwapPlan(swapInput);
  // the lab's own lists, from the conversion tools' package_swaps: the plan must swap at least these
  for (const n of source.vendorPackages.filter((x) => installed.some((p) => p.name === x))) assert.ok(plan.remove.includes(n), `plan removes ${n}`);
  for (const n of rocky.vendorPackages) assert.ok(plan.install.includes(n), `plan installs ${n}`);
  writeFileSync(script, `remove ${plan.remove.join(' ')}\ninstall ${plan.install.join(' ')}\nrun\n`);
  const swap = sh(['dnf', ...host.dnfArgs(rocky), '--setopt=protected_packages=', '--noautoremove', 'shell', script], host.env);
  assert.equal(swap.status, 0, swap.stderr + swap.stdout);
  const afterSwap = new Set(installedOf(host).map((p) => formatNevra(p)));
  const installedRocky = [...afterSwap].filter((n) => !installed.some((p) => formatNevra(p) === n));
  // one transaction: dnf does not pair removed and installed packages, so the pairing is not compared,
  // only the sets (below)
  const swapped = new Map(installed.filter((p) => !afterSwap.has(formatNevra(p))).map((p) => [formatNevra(p), [] as string[]]));
  const args = host.dnfArgs(rocky).filter((a) => a !== '-y' && a !== '-q');
  const sync = sh(['dnf', ...args, 'distro-sync', '--allowerasing', '--assumeno'], host.env);
  assert.match(sync.stdout + sync.stderr, /Operation aborted/, sync.stderr + sync.stdout);
  const rows = parseTransaction(sync.stdout);
  assert.ok(rows.length > 0, sync.stdout);
  const actual = dnfOutcomes(installed, swapped, rows);

  const a = disagreementsOf(solved, { installed, actual, installedRocky, sourceVendor });
  const b = disagreementsOf(predicted, { installed, actual, installedRocky, sourceVendor });
  const counts = countFates(solved);
  console.log(`${from} → rocky-8: ${solved.length} packages, ${JSON.stringify(counts)}; disagreements with dnf: ${a.length} from the transaction, ${b.length} from the rules`);
  for (const d of a) console.log(`  transaction: ${d}`);
  for (const d of b) console.log(`  rules: ${d}`);
  assert.deepEqual(a, [], `${from}: the transaction's fates differ from dnf`);
  assert.deepEqual(b, [], `${from}: the rules' fates differ from dnf`);
  assert.ok(solved.some((f) => f.fate !== 'missing' && f.fate !== 'third-party'), 'the transaction decided fates');
  return counts;
}

/** Every package whose predicted fate is not what dnf did, both ways. */
function disagreementsOf(predicted: PackageFate[], o: { installed: InstalledPackage[]; actual: Map<string, Outcome>; installedRocky: string[]; sourceVendor: string | undefined }): string[] {
  const { installed, actual, installedRocky, sourceVendor } = o;
  const disagreements: string[] = [];
  const seen = new Set<string>();
  for (const f of predicted) {
    seen.add(f.installed);
    const a = actual.get(f.installed);
    // the swap removes what it predicts replaced or missing via the swap; dnf leaves other missing ones alone
    const expectedFate = f.via === 'vendor-swap' ? 'replaced' : f.fate === 'missing' || f.fate === 'third-party' ? 'kept' : f.fate;
    const target = [...(f.target ?? [])].sort();
    if (!a) disagreements.push(`${f.installed}: predicted ${f.fate}, dnf has no such package`);
    else if (a.fate !== expectedFate || (expectedFate !== 'kept' && f.via !== 'vendor-swap' && JSON.stringify(a.target) !== JSON.stringify(target))) {
      disagreements.push(`${f.installed}: predicted ${f.fate} → ${target.join(' ') || '-'}; dnf ${a.fate} → ${a.target.join(' ') || '-'}`);
    }
  }
  for (const [nevra, a] of actual) if (!seen.has(nevra)) disagreements.push(`${nevra}: dnf ${a.fate}, not predicted`);
  const predictedSwapIn = [...new Set(predicted.filter((f) => f.via === 'vendor-swap').flatMap((f) => f.target ?? []))].sort();
  if (JSON.stringify(predictedSwapIn) !== JSON.stringify([...installedRocky].sort())) {
    disagreements.push(`vendor swap installs ${installedRocky.join(' ')}; predicted ${predictedSwapIn.join(' ')}`);
  }
  // missing vs third-party: dnf leaves both alone; the vendor tells them apart
  for (const f of predicted.filter((x) => x.fate === 'missing' || x.fate === 'third-party')) {
    const vendor = installed.find((p) => formatNevra(p) === f.installed)?.vendor;
    if ((f.fate === 'missing') !== (vendor === sourceVendor)) disagreements.push(`${f.installed}: ${f.fate} but vendor ${vendor}`);
  }
  return disagreements;
}


test('fates agree package by package with dnf distro-sync on lab CentOS 8 and CentOS Stream 8 hosts → Rocky 8', { skip, timeout: 120_000 }, async () => {
  const rocky = await lab.distro('rocky-8');
  const c8 = await compareHost('centos-8', rocky, { extras: ['glibc.i686', 'nodejs', 'libidn'], epel: true, noRepoPackage: true });
  const cs8 = await compareHost('centos-stream-8', rocky, { extras: ['nodejs'] });
  // every fate occurs, so every rule was compared against dnf
  for (const fate of ['same', 'upgrade', 'downgrade', 'replaced', 'missing', 'third-party'] as Fate[]) {
    assert.ok(c8[fate] + cs8[fate] > 0, `fate ${fate} exercised`);
  }
});

test('parseTransaction reads wrapped versions and replacing lines', () => {
  const text = [
    'Installing:', ' lab-utils       x86_64 2.0-1.el8      lab-rocky-8 6.4 k', '     replacing  lab-legacy-utils.x86_64 1.0-3.el8',
    'Reinstalling:', ' nodejs          x86_64 1:10.24.0-1.module_el8.3.0+717+fa496f1d', '                                          lab-rocky-8 6.3 k',
    'Downgrading:', ' tzdata noarch 2021a-1.el8 lab-rocky-8 6.1 k', '', 'Transaction Summary', 'Install 1 Package',
  ].join('\n');
  assert.deepEqual(parseTransaction(text), [
    { section: 'Installing', name: 'lab-utils', arch: 'x86_64', nevra: 'lab-utils-2.0-1.el8.x86_64', replacing: ['lab-legacy-utils-1.0-3.el8.x86_64'] },
    { section: 'Reinstalling', name: 'nodejs', arch: 'x86_64', nevra: 'nodejs-1:10.24.0-1.module_el8.3.0+717+fa496f1d.x86_64', replacing: [] },
    { section: 'Downgrading', name: 'tzdata', arch: 'noarch', nevra: 'tzdata-2021a-1.el8.noarch', replacing: [] },
  ]);
});
