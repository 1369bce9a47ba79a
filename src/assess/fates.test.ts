import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNevra } from '../rpm/nevra.js';
import { createPool } from '../rpm/pool.js';
import { PesAction, computeTargetPackages, loadCatalog, parsePesEvents } from '../catalog/index.js';
import { computeFates, countFates, pesTransaction } from './fates.js';
import { classifyOrigin } from './origin.js';
import { computeVendorSwap, vendorSwapPlan } from './vendor-swap.js';
import { inst, pkg } from './testing/fixtures.js';

// The collision cases measured with dnf 4.14 distro-sync (fates.ts header): installed → expected.
const target = createPool([
  pkg('a1-1.1-1.noarch'), pkg('b1-1.0-1.noarch', { obsoletes: ['a1 < 2'] }),
  pkg('a2-1.0-1.noarch'), pkg('b2-1.0-1.noarch', { obsoletes: ['a2 < 2'] }),
  pkg('a4-2.0-1.noarch'), pkg('b4-1.0-1.noarch', { obsoletes: ['a4'] }),
  pkg('b5-1.0-1.noarch', { provides: ['a5 = 2'] }),
  pkg('a6-1.0-1.noarch'), pkg('a7-1.1-1.x86_64'),
  pkg('b8-1.0-1.noarch', { obsoletes: ['a8 < 2'] }),
  pkg('a9-1.1-1.noarch', { obsoletes: ['a9 < 1.1'] }),
  pkg('b11-1.0-1.noarch', { obsoletes: ['a11'] }), pkg('c11-1.0-1.noarch', { obsoletes: ['a11'] }),
  pkg('a13-0.9-1.noarch', { obsoletes: ['a13 < 1.0'] }),
  pkg('a14-1.1-1.x86_64'), pkg('a14-1.2-1.noarch'),
  pkg('glibc-2.28-101.el8.i686'), pkg('glibc-2.28-101.el8.x86_64'),
]);

test('computeFates follows dnf distro-sync on the measured collision cases', () => {
  const cases: [string, string, string[] | undefined, string?][] = [
    ['a1-1.0-1.noarch', 'replaced', ['b1-1.0-1.noarch'], 'obsoletes'], // obsoleter beats a newer same name
    ['a2-1.0-1.noarch', 'replaced', ['b2-1.0-1.noarch'], 'obsoletes'], // … and an equal one
    ['a4-1.0-1.noarch', 'replaced', ['b4-1.0-1.noarch'], 'obsoletes'],
    ['a5-1.0-1.noarch', 'missing', undefined], // Provides alone replaces nothing
    ['a6-1.0-1.x86_64', 'same', ['a6-1.0-1.noarch']], // arch switch to noarch at the same EVR: dnf reinstalls
    ['a7-1.0-1.noarch', 'upgrade', ['a7-1.1-1.x86_64']],
    ['a8-2.0-1.noarch', 'missing', undefined], // Obsoletes range does not match the installed EVR
    ['a9-1.0-1.noarch', 'upgrade', ['a9-1.1-1.noarch']], // self-obsoletes is an upgrade
    ['a11-1.0-1.noarch', 'replaced', ['b11-1.0-1.noarch', 'c11-1.0-1.noarch'], 'obsoletes'],
    ['a13-1.0-1.noarch', 'downgrade', ['a13-0.9-1.noarch']],
    ['a14-1.0-1.x86_64', 'upgrade', ['a14-1.2-1.noarch']], // newest of arch + noarch
    ['glibc-2.28-101.el8.i686', 'same', ['glibc-2.28-101.el8.i686']],
    ['gpg-pubkey-8483c65d-5ccc5b19.(none)', 'skipped', undefined],
  ];
  const fates = computeFates({ installed: cases.map(([n]) => inst(n)), pool: target, baseArch: 'x86_64' });
  for (const [nevra, fate, tgt, via] of cases) {
    const f = fates.find((x) => x.installed === nevra);
    if (fate === 'skipped') { assert.equal(f, undefined, nevra); continue; }
    assert.ok(f, nevra);
    assert.equal(f.fate, fate, nevra);
    assert.deepEqual(f.target, tgt, nevra);
    assert.equal(f.via, via, nevra);
  }
  assert.deepEqual(countFates(fates), { same: 2, upgrade: 3, downgrade: 1, replaced: 4, missing: 2, 'third-party': 0, erased: 0 });
});

test('an obsoleter of another arch is not installed: gdbm.x86_64 becomes gdbm-libs.x86_64 only', () => {
  // the real CentOS 7 → CentOS Stream 9 case (docs/assess-manifests.md): both arches of gdbm-libs obsolete gdbm
  const pool = createPool([
    pkg('gdbm-libs-1:1.19-4.el9.i686', { obsoletes: ['gdbm < 1:1.13'] }),
    pkg('gdbm-libs-1:1.19-4.el9.x86_64', { obsoletes: ['gdbm < 1:1.13'] }),
  ]);
  const [x86] = computeFates({ installed: [inst('gdbm-1.10-8.el7.x86_64')], pool, baseArch: 'x86_64' });
  assert.equal(x86.fate, 'replaced');
  assert.deepEqual(x86.target, ['gdbm-libs-1:1.19-4.el9.x86_64']);
  const [i686] = computeFates({ installed: [inst('gdbm-1.10-8.el7.i686')], pool, baseArch: 'x86_64' });
  assert.deepEqual(i686.target, ['gdbm-libs-1:1.19-4.el9.i686']);
});

test('a package list without epochs: each package takes the target\'s epoch for its name, never a placeholder 0', () => {
  // perl carries Epoch: 4 in EL8 (perl-4:5.26.3-416.el8); a plain `rpm -qa` list prints it without.
  const pool = createPool([
    pkg('perl-4:5.26.3-416.el8.x86_64'), pkg('perl-libs-4:5.26.3-419.el8.x86_64'), pkg('perl-io-4:5.26.3-400.el8.x86_64'),
    pkg('foo-1:2.0-1.el8.noarch'), pkg('bar-1.0-1.el8.noarch', { obsoletes: ['foo < 1:1.0'] }),
    pkg('two-1:1.0-1.el8.noarch'), pkg('two-2:0.9-1.el8.noarch'),
  ]);
  const unknown = (nevra: string): ReturnType<typeof inst> => inst(nevra, { epochUnknown: true });
  // installed → fate, target, the epoch the reason names as assumed
  const cases: [ReturnType<typeof inst>, string, string[] | undefined, number | undefined][] = [
    [unknown('perl-5.26.3-416.el8.x86_64'), 'same', ['perl-4:5.26.3-416.el8.x86_64'], 4],
    [unknown('perl-libs-5.26.3-416.el8.x86_64'), 'upgrade', ['perl-libs-4:5.26.3-419.el8.x86_64'], 4],
    [unknown('perl-io-5.26.3-416.el8.x86_64'), 'downgrade', ['perl-io-4:5.26.3-400.el8.x86_64'], 4],
    // the Obsoletes range compares the resolved epoch too: 1:2.0 is not < 1:1.0
    [unknown('foo-2.0-1.el8.noarch'), 'same', ['foo-1:2.0-1.el8.noarch'], 1],
    // the target package of the same version-release gives the epoch (1, not the newest's 2); distro-sync then goes to the newest
    [unknown('two-1.0-1.el8.noarch'), 'upgrade', ['two-2:0.9-1.el8.noarch'], 1],
    [unknown('gone-1.0-1.el8.noarch'), 'missing', undefined, undefined],
    // an epoch the source gave is kept: a real 0 against a target 4 is an upgrade
    [inst('perl-5.26.3-416.el8.x86_64'), 'upgrade', ['perl-4:5.26.3-416.el8.x86_64'], undefined],
  ];
  cases.forEach(([installed, fate, tgt, note], i) => {
    const [f] = computeFates({ installed: [installed], pool, baseArch: 'x86_64' });
    assert.equal(f.installed, formatNevra(installed), `${i}: the report shows the package as listed`);
    assert.equal(f.fate, fate, `${i} ${f.installed}`);
    assert.deepEqual(f.target, tgt, `${i} ${f.installed}`);
    assert.equal(/epoch not in the package list: taken as the target's epoch (\d+)/.exec(f.reason ?? '')?.[1], note?.toString(), `${i} ${f.reason}`);
  });
});

test('modular filtering: the enabled stream wins over a newer stream, hidden non-modular same names', () => {
  const pool = createPool([pkg('nodejs-1:10.24.0-1.module_el8.3.0+717.x86_64'), pkg('nodejs-1:12.22.1-1.module_el8.4.0+782.x86_64'), pkg('nodejs-1:14.0-1.el8.x86_64')]);
  const stream = (s: string, a: string) => ({ name: 'nodejs', stream: s, version: '1', context: 'c', arch: 'x86_64', staticContext: false,
    license: { module: [], content: [] }, dependencies: [], profiles: {}, api: [], filter: [], artifacts: [a] });
  const modules = { streams: [stream('10', 'nodejs-1:10.24.0-1.module_el8.3.0+717.x86_64'), stream('12', 'nodejs-1:12.22.1-1.module_el8.4.0+782.x86_64')],
    defaults: [{ module: 'nodejs', stream: '12', profiles: {} }], obsoletes: [], otherDocuments: {} };
  const installed = [inst('nodejs-1:10.24.0-1.module_el8.3.0+717.x86_64')];
  const enabled = computeFates({ installed, pool, modules, moduleStates: [{ name: 'nodejs', stream: '10', state: 'enabled', profiles: [], file: 'x' }] });
  assert.equal(enabled[0].fate, 'same');
  const byDefault = computeFates({ installed, pool, modules });
  assert.equal(byDefault[0].fate, 'upgrade');
  assert.deepEqual(byDefault[0].target, ['nodejs-1:12.22.1-1.module_el8.4.0+782.x86_64']);
  const without = computeFates({ installed, pool });
  assert.deepEqual(without[0].target, ['nodejs-1:14.0-1.el8.x86_64'], 'no modules.yaml: every package visible');
  // The view of the pool is kept per modules.yaml and module states: asking again after the others sees the stream enabled.
  assert.equal(computeFates({ installed, pool, modules, moduleStates: [{ name: 'nodejs', stream: '10', state: 'enabled', profiles: [], file: 'y' }] })[0].fate, 'same');
  // Disabled: no stream active, the non-modular build is visible.
  assert.deepEqual(computeFates({ installed, pool, modules, moduleStates: [{ name: 'nodejs', stream: '10', state: 'disabled', profiles: [], file: 'y' }] })[0].target, ['nodejs-1:14.0-1.el8.x86_64']);
});

test('vendor swap and PES events come before obsoletes and names; origin splits missing from third-party', () => {
  const pool = createPool([pkg('rocky-release-8.4-35.el8.noarch'), pkg('libfoo2-2.0-1.el8.x86_64')]);
  const events = [{ id: 7, action: PesAction.RENAMED, inPkgs: [{ name: 'libfoo', repository: 'base', modulestream: null }],
    outPkgs: [{ name: 'libfoo2', repository: 'baseos', modulestream: null }], fromRelease: [7, 9] as const, toRelease: [8, 0] as const, architectures: [] }];
  const result = { releases: ['8.0'], target: [], toInstall: ['libfoo2'], toRemove: ['libfoo'], modulesToEnable: [], demodularized: [], applied: [7], unmapped: [] };
  const fates = computeFates({
    installed: [inst('centos-release-8.2-2.el8.x86_64', { vendor: 'CentOS' }), inst('libfoo-1.0-1.el7.x86_64', { vendor: 'CentOS' }),
      inst('lab-orphan-0.9-1.el8.noarch', { vendor: 'CentOS' }), inst('htop-3.2.1-1.el8.x86_64', { vendor: 'Fedora Project' })],
    pool, vendorSwap: new Map([['centos-release', ['rocky-release']]]), pes: { result, events }, origin: { sourceVendor: 'CentOS' },
  });
  assert.deepEqual(fates.map((f) => [f.name, f.fate, f.via, f.target]), [
    ['centos-release', 'replaced', 'vendor-swap', ['rocky-release-8.4-35.el8.noarch']],
    ['libfoo', 'replaced', 'pes', ['libfoo2-2.0-1.el8.x86_64']],
    ['lab-orphan', 'missing', undefined, undefined],
    ['htop', 'third-party', undefined, undefined],
  ]);
});

test('a PES replacement the target repositories do not carry is missing, not replaced; one they carry is replaced', () => {
  const pool = createPool([pkg('chrony-4.1-1.el8.x86_64'), pkg('dhcp-client-4.3.6-45.el8.x86_64')]);
  const ev = (id: number, action: PesAction, from: string, to: string[]) => ({ id, action, inPkgs: [{ name: from, repository: 'base', modulestream: null }],
    outPkgs: to.map((name) => ({ name, repository: 'baseos', modulestream: null })), fromRelease: [7, 9] as const, toRelease: [8, 0] as const, architectures: [] });
  const events = [ev(4, PesAction.SPLIT, 'ntp', ['chrony', 'ntpstat']), ev(525, PesAction.RENAMED, 'dhclient', ['dhcp-client'])];
  const result = { releases: ['8.0'], target: [], toInstall: ['chrony', 'dhcp-client', 'ntpstat'], toRemove: ['dhclient', 'ntp'], modulesToEnable: [], demodularized: [], applied: [4, 525], unmapped: [] };
  const fates = computeFates({ installed: [inst('ntp-4.2.6p5-29.el7.x86_64'), inst('dhclient-4.2.5-79.el7.x86_64')], pool, pes: { result, events } });
  assert.deepEqual(fates.map((f) => [f.name, f.fate, f.via, f.target]), [
    ['ntp', 'missing', 'pes', undefined],
    ['dhclient', 'replaced', 'pes', ['dhcp-client-4.3.6-45.el8.x86_64']],
  ]);
  assert.match(fates[0].reason ?? '', /PES event 4 \(split\) replaces ntp with chrony, ntpstat; the target repositories do not carry ntpstat/);
});

test('a PES replacement in a repository the repomap does not map is missing and stays out of the transaction (the shape of Rocky\'s event 2224)', () => {
  // Rocky's pes-events.json event 2224: python36-six (EPEL) renamed to python3-six in '@System', a repository no repomap maps.
  const pool = createPool([pkg('python3-six-1.11.0-8.el8.noarch')]);
  const events = [{ id: 2224, action: PesAction.RENAMED, inPkgs: [{ name: 'python36-six', repository: 'EPEL', modulestream: null }],
    outPkgs: [{ name: 'python3-six', repository: '@System', modulestream: null }], fromRelease: [7, 9] as const, toRelease: [8, 6] as const, architectures: [] }];
  const result = { releases: ['8.6'], target: [], toInstall: [], toRemove: ['python36-six'], modulesToEnable: [], demodularized: [], applied: [2224],
    unmapped: [{ name: 'python3-six', repository: '@System' }] };
  const fates = computeFates({ installed: [inst('python36-six-1.11.0-3.el7.noarch')], pool, pes: { result, events } });
  assert.deepEqual(fates.map((f) => [f.name, f.fate, f.via]), [['python36-six', 'missing', 'pes']]);
  assert.match(fates[0].reason ?? '', /python3-six \(repository @System\), which the path's repomap does not map/);
  const tx = pesTransaction({ pes: { result, events }, installed: ['python36-six'], available: new Set(['python3-six']) });
  assert.deepEqual(tx, { remove: [], install: [], unavailable: [], unmapped: ['python3-six (repository @System)'] });
});

test('classifyOrigin: key first, then vendor, then unknown', () => {
  const sig = (keyId: string) => ({ signature: { algorithm: 'RSA/SHA256', keyId } });
  const rule = { sourceVendor: 'CentOS', sourceKeyIds: ['05B555B38483C65D'] };
  const rows: [Parameters<typeof inst>[1], boolean][] = [
    [{ vendor: 'CentOS', ...sig('05b555b38483c65d') }, true],
    [{ vendor: 'CentOS', ...sig('21ea45ab2f86d6a1') }, false], // vendor tag lies, key tells
    [{ vendor: 'CentOS' }, true],
    [{ vendor: 'ACME Corp' }, false],
    [{}, true],
  ];
  for (const [extra, fromSource] of rows) assert.equal(classifyOrigin(inst('x-1-1.noarch', extra), rule).fromSource, fromSource, JSON.stringify(extra));
});

test('computeVendorSwap finds CentOS 8.2 and 8.3+ branding names and maps them by role', () => {
  const catalog = loadCatalog();
  const names = ['centos-release', 'centos-repos', 'centos-gpg-keys', 'centos-logos', 'centos-indexhtml', 'centos-linux-release', 'bash'];
  const swap = computeVendorSwap({ catalog, source: 'centos-8', target: 'rocky-8', installed: new Set(names) });
  assert.deepEqual(Object.fromEntries(swap), {
    'centos-gpg-keys': ['rocky-gpg-keys'], 'centos-indexhtml': ['rocky-indexhtml'], 'centos-linux-release': ['rocky-release'],
    'centos-logos': ['rocky-logos'], 'centos-release': ['rocky-release'], 'centos-repos': ['rocky-repos'],
  });
  const alma = computeVendorSwap({ catalog, source: 'centos-8', target: 'almalinux-8', installed: new Set(names) });
  assert.deepEqual(alma.get('centos-repos'), ['almalinux-release'], 'repos folded into the release package');
  assert.deepEqual(alma.get('centos-gpg-keys'), ['almalinux-release']);
});

test('computeVendorSwap falls back to the target repositories\' own <distribution>-<role> packages when the catalog lists none', () => {
  const catalog = loadCatalog();
  const installed = new Set(['centos-linux-release', 'centos-linux-repos', 'centos-gpg-keys', 'centos-logos', 'bash']);
  assert.equal(computeVendorSwap({ catalog, source: 'centos-8', target: 'anolis-8', installed }).size, 0, 'no sourced list, no repo: nothing guessed');
  const swap = computeVendorSwap({ catalog, source: 'centos-8', target: 'anolis-8', installed, available: new Set(['anolis-release', 'anolis-logos', 'bash']) });
  assert.deepEqual(Object.fromEntries(swap), {
    'centos-gpg-keys': ['anolis-release'], 'centos-linux-release': ['anolis-release'],
    'centos-linux-repos': ['anolis-release'], 'centos-logos': ['anolis-logos'],
  });
  const rocky = computeVendorSwap({ catalog, source: 'centos-8', target: 'rocky-8', installed, available: new Set(['rocky-release', 'rocky-special-logos']) });
  // the catalog's rocky-logos is not in these repositories, and rocky-special-logos is not the naming scheme:
  // the plan can install nothing for the role, so it removes centos-logos with nothing in its place
  assert.deepEqual(rocky.get('centos-logos'), []);
  const rockyAll = computeVendorSwap({ catalog, source: 'centos-8', target: 'rocky-8', installed, available: new Set(['rocky-release', 'rocky-logos', 'rocky-special-logos']) });
  assert.deepEqual(rockyAll.get('centos-logos'), ['rocky-logos'], 'the catalog\'s sourced name, when the repositories carry it');
});

test('the swap removes what the catalog says to remove with nothing in its place: missing via vendor-swap in the fates, removed by the plan', () => {
  const catalog = loadCatalog();
  const installed = ['centos-linux-release', 'centos-linux-repos', 'centos-gpg-keys', 'centos-logos', 'centos-logos-ipa', 'insights-client', 'bash'];
  const available = new Set(['almalinux-release', 'almalinux-logos', 'insights-client', 'bash']);
  const input = { catalog, source: 'centos-8', target: 'almalinux-8', installed: new Set(installed), available };
  const swap = computeVendorSwap(input);
  // almalinux-deploy's also-remove list (insights-client) even though AlmaLinux carries it; a branding role
  // the repositories have no package of (logos-ipa): removed, nothing installed for it
  assert.deepEqual(swap.get('insights-client'), []);
  assert.deepEqual(swap.get('centos-logos-ipa'), []);
  assert.deepEqual(swap.get('centos-logos'), ['almalinux-logos']);
  assert.equal(swap.has('bash'), false);
  const fates = computeFates({ installed: installed.map((n) => inst(`${n}-1-1.el8.noarch`, { vendor: 'CentOS' })), pool: createPool([]), vendorSwap: swap });
  const by = Object.fromEntries(fates.map((f) => [f.name, `${f.fate}${f.via ? ` via ${f.via}` : ''}`]));
  assert.equal(by['insights-client'], 'missing via vendor-swap');
  assert.equal(by['centos-logos-ipa'], 'missing via vendor-swap');
  assert.equal(by['centos-logos'], 'replaced via vendor-swap');
  const plan = vendorSwapPlan(input);
  assert.deepEqual(plan, {
    remove: ['centos-gpg-keys', 'centos-linux-release', 'centos-linux-repos', 'centos-logos', 'centos-logos-ipa', 'insights-client'],
    install: ['almalinux-logos', 'almalinux-release'],
  });
});

test('on every same-major catalog path the plan removes exactly the packages the fates say the swap takes, and installs their replacements', () => {
  const catalog = loadCatalog();
  let paths = 0;
  for (const from of catalog.releases()) {
    for (const path of catalog.paths({ from: from.id })) {
      const target = catalog.release(path.to);
      if (from.major !== target.major) continue;
      paths++;
      const installed = new Set(['bash']);
      for (const r of catalog.releases().filter((x) => x.distribution === from.distribution)) catalog.vendorPackages(r.id).forEach((v) => installed.add(v.name));
      for (const e of catalog.vendorMap(from.id, target.id)) e.from.forEach((n) => installed.add(n));
      const available = new Set(['bash', `${target.distribution}-release`]);
      for (const e of catalog.vendorMap(from.id, target.id)) e.to.forEach((n) => available.add(n));
      const input = { catalog, source: from.id, target: target.id, installed, available };
      const swap = computeVendorSwap(input);
      const fates = computeFates({ installed: [...installed].map((n) => inst(`${n}-1-1.noarch`)), pool: createPool([]), vendorSwap: swap });
      const taken = fates.filter((f) => f.via === 'vendor-swap').map((f) => f.name).sort();
      const plan = vendorSwapPlan(input);
      const label = `${from.id} → ${target.id}`;
      assert.deepEqual(plan.remove, taken.filter((n) => !plan.install.includes(n)), label);
      const replacements = [...new Set(fates.filter((f) => f.fate === 'replaced').flatMap((f) => f.target ?? []))];
      for (const n of replacements) assert.ok(plan.install.includes(n), `${label}: the plan installs ${n}`);
      assert.ok(plan.install.some((n) => n.endsWith('-release')), `${label}: a release package`);
      assert.ok(!taken.includes('bash'), label);
    }
  }
  assert.ok(paths >= 10, `${paths} same-major paths`);
});

test('a target build that only changes the dist tag is the same package (rebuild), whichever way rpmvercmp orders the letters', () => {
  // [installed, target, fate, reason]
  const rows: [string, string, string, string | undefined][] = [
    ['bash-4.4.19-10.el8.x86_64', 'bash-4.4.19-10.oc8.x86_64', 'same', 'rebuild (.el8 → .oc8)'],
    ['bash-4.4.19-10.el8.x86_64', 'bash-4.4.19-10.tl3.x86_64', 'same', 'rebuild (.el8 → .tl3)'],
    ['bash-4.4.19-10.el8.x86_64', 'bash-4.4.19-10.an8.x86_64', 'same', 'rebuild (.el8 → .an8)'],
    ['kernel-core-4.18.0-305.12.1.el8_4.x86_64', 'kernel-core-4.18.0-305.12.1.oc8_4.x86_64', 'same', 'rebuild (.el8 → .oc8)'],
    ['nodejs-10.24.0-1.module_el8.3.0+717+fa496f1d.x86_64', 'nodejs-10.24.0-1.module_oc8.3.0+717+fa496f1d.x86_64', 'same', 'rebuild (.module_el8 → .module_oc8)'],
    ['bash-4.4.19-10.el8.x86_64', 'bash-4.4.19-11.oc8.x86_64', 'upgrade', undefined],
    ['bash-4.4.19-10.el8.x86_64', 'bash-4.4.20-10.oc8.x86_64', 'upgrade', undefined],
    ['bash-4.4.19-10.el7.x86_64', 'bash-4.4.19-10.el8.x86_64', 'upgrade', undefined],
    ['device-mapper-libs-1.02.181-15.el8.x86_64', 'device-mapper-libs-1.02.181-15.0.1.an8.x86_64', 'upgrade', undefined],
  ];
  for (const [installed, target, fate, why] of rows) {
    const [f] = computeFates({ installed: [inst(installed, { vendor: 'CentOS' })], pool: createPool([pkg(target)]) });
    assert.equal(f.fate, fate, `${installed} → ${target}`);
    assert.equal(f.reason, why, `${installed} → ${target}`);
  }
});

test('pesTransaction: what PES adds to a cross-major transaction, by the fates\' rule (table)', () => {
  const rel = (major: number, minor: number) => ({ major_version: major, minor_version: minor });
  const entry = (id: number, action: PesAction, ins: string[], outs: string[]) => ({
    id, action, architectures: [], initial_release: rel(7, 9), release: rel(8, 0),
    in_packageset: { package: ins.map((name) => ({ name, repository: 'base' })) },
    out_packageset: outs.length ? { package: outs.map((name) => ({ name, repository: 'baseos' })) } : null,
  });
  const events = parsePesEvents({ packageinfo: [
    entry(1, PesAction.REPLACED, ['yum-utils'], ['dnf-utils']),
    entry(2, PesAction.REMOVED, ['pygpgme'], []),
    entry(3, PesAction.SPLIT, ['kernel'], ['kernel', 'kernel-core', 'kernel-modules-extra']),
    entry(4, PesAction.SPLIT, ['ntp'], ['chrony', 'ntpstat']),
    entry(5, PesAction.MERGED, ['emacs-libidn', 'libidn'], ['libidn']),
    entry(6, PesAction.RENAMED, ['centos-release'], ['rocky-release']),
    entry(7, PesAction.REMOVED, ['not-installed'], []),
  ] });
  const installed = ['yum-utils', 'pygpgme', 'kernel', 'ntp', 'emacs-libidn', 'libidn', 'centos-release', 'bash'];
  const result = computeTargetPackages({ installed: installed.map((name) => ({ name, repository: '' })), events, source: '7.9', target: '8.0', arch: 'x86_64' });
  const available = new Set(['dnf-utils', 'kernel', 'kernel-core', 'chrony', 'libidn', 'rocky-release', 'bash']);
  const tx = pesTransaction({ pes: { result, events }, installed, available, swapped: new Set(['centos-release']) });
  // [case, in remove, in install]
  const cases: [string, string[], string[]][] = [
    ['replaced, the target carries the replacement: out, replacement in', ['yum-utils'], ['dnf-utils']],
    ['removed: out', ['pygpgme'], []],
    ['split keeping its name: the new part the target carries in, the one it lacks not', [], ['kernel-core']],
    ['split whose part the target lacks: the package stays, no part installed (fate missing)', [], []],
    ['merged into an installed package: the other one out', ['emacs-libidn'], []],
  ];
  for (const [name, remove, install] of cases) {
    for (const n of remove) assert.ok(tx.remove.includes(n), `${name}: remove ${n} (${tx.remove.join(' ')})`);
    for (const n of install) assert.ok(tx.install.includes(n), `${name}: install ${n} (${tx.install.join(' ')})`);
  }
  assert.deepEqual(tx.remove, ['emacs-libidn', 'pygpgme', 'yum-utils'], 'ntp stays; centos-release is the swap\'s; not-installed is not');
  assert.deepEqual(tx.install, ['dnf-utils', 'kernel-core'], 'chrony withheld with ntp; rocky-release is the swap\'s');
  assert.deepEqual(tx.unavailable, ['kernel-modules-extra', 'ntpstat']);
  // The fates say the same of each package.
  const fates = computeFates({ installed: installed.map((n) => inst(`${n}-1-1.el7.x86_64`, { vendor: 'CentOS' })), pool: createPool([...available].map((n) => pkg(`${n}-2-1.el8.x86_64`))), pes: { result, events } });
  const fate = (n: string) => fates.find((f) => f.name === n);
  assert.deepEqual([fate('yum-utils')?.fate, fate('pygpgme')?.fate, fate('ntp')?.fate, fate('emacs-libidn')?.fate], ['replaced', 'missing', 'missing', 'replaced']);
});
