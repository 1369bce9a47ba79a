/**
 * Differential tests: Ferry's readers against `dnf repoquery --repofrompath` (libsolv's repo_rpmmd) on
 * real CentOS Stream 9 repodata.
 *
 * dnf flags, each needed:
 * - `--repofrompath=r,<dir> --repo=r --setopt=reposdir=/dev/null`: only this repository, no host repos.
 * - `--setopt=cachedir=<tmp>`: a private, per-run cache (dnf copies the metadata there).
 * - `--releasever=9`: there is no EL release on Debian to infer it from.
 * - `--setopt=module_platform_id=platform:el9 --disable-modular-filtering`: AppStream lists modular
 *   packages; dnf hides the ones not in an enabled module stream (17,133 of 17,649 shown otherwise).
 *   A reader of the metadata must return them all, so filtering is turned off to compare whole sets.
 *
 * dnf's normalisation of provides/requires, reproduced explicitly:
 * 1. Duplicates are dropped: libsolv stores a dep once even when primary lists it twice (typically
 *    `/bin/sh` as Requires(pre) and again as a plain Requires), and %{requires} prints it once.
 * 2. `pre="1"` is not shown (%{requires} prints the dep, not its Requires(pre) qualifier).
 * 3. An EVR prints as `[epoch:]version[-release]`, the epoch only when non-zero.
 * 4. No rpmlib() or self-provided-file filtering is needed here: createrepo_c already omits
 *    rpmlib() requires from primary (BaseOS has none), and dnf 4.14 prints the rest unfiltered.
 * Order is not meaningful (libsolv sorts its own way), so both sides are compared as sorted lists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedPath, skipUnlessShared, skipUnlessTools } from '../../../test/support/shared.js';
import type { Dep, Package } from '../types.js';
import { loadPackages } from './load.js';
import { openRepo, type Repo } from './repo.js';

const BASEOS = ['repodata', 'cs9-baseos-20220207'];
const APPSTREAM = ['repodata', 'cs9-appstream-20250113'];

const answers = new Map<string, string>();

/** dnf's answer, asked once per (repository, query format) in this file. */
function repoquery(dir: string, qf: string): string {
  const key = `${dir}\0${qf}`;
  const known = answers.get(key);
  if (known !== undefined) return known;
  const out = runRepoquery(dir, qf);
  answers.set(key, out);
  return out;
}

function runRepoquery(dir: string, qf: string): string {
  const cache = mkdtempSync(join(tmpdir(), 'ferry-dnf-cache-'));
  try {
    const r = spawnSync('dnf', [
      'repoquery', '-q', `--repofrompath=r,${dir}`, '--repo=r', '--setopt=reposdir=/dev/null',
      `--setopt=cachedir=${cache}`, '--releasever=9', '--setopt=module_platform_id=platform:el9',
      '--disable-modular-filtering', '--qf', qf,
    ], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 120_000 });
    assert.equal(r.status, 0, `dnf repoquery failed: ${r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

const nevra = (p: Package): string => `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch}`;
const OPS = { EQ: '=', LT: '<', LE: '<=', GT: '>', GE: '>=' } as const;

/** A dep as dnf prints it (rule 3 above). */
function formatDep(d: Dep): string {
  if (d.flags === undefined || d.evr === undefined) return d.name;
  const e = d.evr;
  return `${d.name} ${OPS[d.flags]} ${e.epoch ? `${e.epoch}:` : ''}${e.version}${e.release !== undefined ? `-${e.release}` : ''}`;
}

/** Rules 1, 2 and the sorted comparison. */
const normalise = (deps: Dep[]): string[] => [...new Set(deps.map(formatDep))].sort();

/**
 * Both ways Ferry reads primary: readPrimary's Package objects, and the columnar pool read back from its
 * binary cache (the second load of a fresh cache directory is served from the file the first one wrote).
 */
const READERS: [string, (repo: Repo) => Promise<Package[]>][] = [
  ['readPrimary', (repo) => loadPackages(repo)],
  ['pool cache', async (repo) => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-pool-cache-'));
    try {
      const warnings: string[] = [];
      const poolCache = { dir, warn: (m: string) => warnings.push(m) };
      await loadPackages(repo, { poolCache });
      const packages = await loadPackages(repo, { poolCache });
      assert.deepEqual(warnings, []);
      return packages;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }],
];

async function nevraSetsMatch(parts: string[], expected: number, read: (repo: Repo) => Promise<Package[]>): Promise<void> {
  const dir = sharedPath(...parts);
  const dnf = repoquery(dir, '%{name}-%{epoch}:%{version}-%{release}.%{arch}').split('\n').filter(Boolean);
  const ours = (await read(await openRepo(dir))).map(nevra);
  assert.equal(ours.length, expected);
  const a = new Set(ours);
  const b = new Set(dnf);
  assert.equal(a.size, ours.length, 'no duplicate NEVRA in the repository');
  assert.deepEqual([...a].filter((x) => !b.has(x)), [], 'NEVRAs Ferry reads that dnf does not list');
  assert.deepEqual([...b].filter((x) => !a.has(x)), [], 'NEVRAs dnf lists that Ferry does not read');
}

const skip = skipUnlessShared(...BASEOS) || skipUnlessTools('dnf');

for (const [reader, read] of READERS) {
  test(`BaseOS (${reader}): NEVRA set equals dnf repoquery`, { skip, timeout: 60_000 }, async () => {
    await nevraSetsMatch(BASEOS, 1125, read);
  });
}

for (const [reader, read] of READERS) {
  test(`AppStream (${reader}): NEVRA set equals dnf repoquery (modular packages included)`,
    { skip: skipUnlessShared(...APPSTREAM) || skipUnlessTools('dnf'), timeout: 60_000 }, async () => {
      await nevraSetsMatch(APPSTREAM, 17649, read);
    });
}

for (const [reader, read] of READERS) {
  test(`BaseOS (${reader}): provides and requires of every package equal dnf repoquery`, { skip, timeout: 60_000 }, async () => {
    const dir = sharedPath(...BASEOS);
    // One dnf run for everything: a record per package, its lists newline-separated inside.
    const out = repoquery(dir, '<<<%{name}-%{epoch}:%{version}-%{release}.%{arch}|||%{provides}|||%{requires}>>>');
    const dnf = new Map<string, { provides: string[]; requires: string[] }>();
    for (const m of out.matchAll(/<<<(.*?)\|\|\|([\s\S]*?)\|\|\|([\s\S]*?)>>>/g)) {
      const list = (s: string): string[] => s.split('\n').filter(Boolean).sort();
      dnf.set(m[1], { provides: list(m[2]), requires: list(m[3]) });
    }
    assert.equal(dnf.size, 1125);
    let deps = 0;
    for (const p of await read(await openRepo(dir))) {
      const want = dnf.get(nevra(p));
      assert.ok(want, `dnf does not list ${nevra(p)}`);
      assert.deepEqual(normalise(p.provides), want.provides, `provides of ${nevra(p)}`);
      assert.deepEqual(normalise(p.requires), want.requires, `requires of ${nevra(p)}`);
      deps += want.provides.length + want.requires.length;
    }
    assert.ok(deps > 20_000, `compared ${deps} deps`);
  });
}

test('BaseOS: files from filelists.xml merge by pkgid', { skip, timeout: 60_000 }, async () => {
  const dir = sharedPath(...BASEOS);
  const out = repoquery(dir, '<<<%{name}.%{arch}|||%{files}>>>');
  const bash = /<<<bash\.x86_64\|\|\|([\s\S]*?)>>>/.exec(out);
  assert.ok(bash);
  const pkgs = await loadPackages(await openRepo(dir), { filelists: true });
  const ours = pkgs.find((p) => p.name === 'bash' && p.arch === 'x86_64');
  assert.deepEqual([...(ours?.files ?? [])].sort(), bash[1].split('\n').filter(Boolean).sort());
});

test('AppStream: its stub filelists fails the open-checksum repomd declares (real-data REPO_CHECKSUM)',
  { skip: skipUnlessShared(...APPSTREAM) }, async () => {
    // In this copy filelists.xml.gz is an empty stub whose compressed checksum and open-size match
    // repomd.xml but whose decompressed sha256 does not match the open-checksum. dnf (librepo)
    // checks only the compressed checksum, so it accepts the file; Ferry refuses it.
    const repo = await openRepo(sharedPath(...APPSTREAM));
    await assert.rejects(loadPackages(repo, { filelists: true }),
      (e: Error & { code?: string }) => e.code === 'REPO_CHECKSUM' && /filelists\.xml\.gz: open-checksum/.test(e.message));
  });
