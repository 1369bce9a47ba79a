import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedPath, skipUnlessShared } from '../../test/support/shared.js';
import { loadCatalog } from '../catalog/index.js';
import { createPool } from '../rpm/pool.js';
import { loadPackages, openRepo } from '../rpm/repodata/index.js';
import { computeFates } from './fates.js';
import { inst } from './testing/fixtures.js';
import { computeVendorSwap, vendorSwapPlan } from './vendor-swap.js';

const CENTOS8_BRANDING = ['centos-linux-release', 'centos-linux-repos', 'centos-gpg-keys', 'centos-logos', 'centos-logos-httpd', 'centos-indexhtml', 'centos-backgrounds'];

test('a branding package the target carries under the source\'s own name is kept (upgraded), not swapped or removed', () => {
  const catalog = loadCatalog();
  const installed = new Set([...CENTOS8_BRANDING, 'bash']);
  // [what the target repositories carry, name → expected swap (absent: kept for distro-sync)]
  const rows: [string[], Record<string, string[]>][] = [
    [['centos-stream-release', 'centos-stream-repos', 'centos-gpg-keys', 'centos-logos', 'centos-logos-httpd', 'centos-indexhtml', 'centos-backgrounds'],
      { 'centos-linux-release': ['centos-stream-release'], 'centos-linux-repos': ['centos-stream-repos'] }],
    // the same target without centos-logos: its logos role has no package there, so it goes
    [['centos-stream-release', 'centos-stream-repos', 'centos-gpg-keys', 'centos-logos-httpd', 'centos-indexhtml', 'centos-backgrounds'],
      { 'centos-linux-release': ['centos-stream-release'], 'centos-linux-repos': ['centos-stream-repos'], 'centos-logos': [] }],
  ];
  for (const [carried, expected] of rows) {
    const swap = computeVendorSwap({ catalog, source: 'centos-8', target: 'centos-stream-9', installed, available: new Set([...carried, 'bash']) });
    assert.deepEqual(Object.fromEntries(swap), expected, carried.join(' '));
  }
  // an also-remove list still removes what it names, even when the target carries it (almalinux-deploy REMOVE_PKGS)
  const alma = computeVendorSwap({ catalog, source: 'centos-8', target: 'almalinux-8', installed: new Set(['insights-client']), available: new Set(['insights-client', 'almalinux-release']) });
  assert.deepEqual(alma.get('insights-client'), []);
});

const CS9 = [['repodata', 'cs9-baseos-20220207'], ['repodata', 'cs9-appstream-20250113']];

test('CentOS 8 → CentOS Stream 9 on the real CS9 repodata: centos-logos, centos-indexhtml, centos-gpg-keys are upgraded; only release and repos swap', {
  skip: CS9.map((p) => skipUnlessShared(...p)).find(Boolean) || false,
}, async () => {
  const catalog = loadCatalog();
  const packages = (await Promise.all(CS9.map(async (p) => loadPackages(await openRepo(sharedPath(...p)))))).flat();
  const pool = createPool(packages);
  const available = new Set(pool.latest().map((p) => p.name));
  const installed = new Set([...CENTOS8_BRANDING, 'bash']);
  const input = { catalog, source: 'centos-8', target: 'centos-stream-9', installed, available };
  const swap = computeVendorSwap(input);
  assert.deepEqual(Object.fromEntries(swap), { 'centos-linux-release': ['centos-stream-release'], 'centos-linux-repos': ['centos-stream-repos'] });
  assert.deepEqual(vendorSwapPlan(input), { remove: ['centos-linux-release', 'centos-linux-repos'], install: ['centos-stream-release', 'centos-stream-repos'] });
  // CentOS Linux 8-like versions (centos-backgrounds obsoletes centos-logos < 80.1-2, as dnf would apply)
  const evr: Record<string, string> = { 'centos-gpg-keys': '8-6.el8', 'centos-indexhtml': '8.0-0.el8', bash: '4.4.20-1.el8_4' };
  const fates = computeFates({ installed: [...installed].map((n) => inst(`${n}-${evr[n] ?? '85.8-2.el8'}.noarch`, { vendor: 'CentOS' })), pool, vendorSwap: swap });
  const by = Object.fromEntries(fates.map((f) => [f.name, `${f.fate}${f.via ? ` via ${f.via}` : ''}`]));
  for (const n of ['centos-logos', 'centos-indexhtml', 'centos-gpg-keys', 'centos-logos-httpd', 'centos-backgrounds']) assert.equal(by[n], 'upgrade', n);
  assert.equal(by['centos-linux-release'], 'replaced via vendor-swap');
});
