// Install-only packages, against the real dnf: lab packages carrying each of dnf's installonlypkgs
// capabilities (and kernel-named packages carrying none) are installed into a root, then upgraded by dnf.
// The packages dnf kept side by side must be exactly the ones Ferry calls install-only (installOnlyNames,
// read from the root's rpmdb), and the distro-sync step's duplicate check must pass them and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRepo, DEFAULT_CACHE, labEnv, labHome, run } from '../../../test/lab/build.js';
import type { BinaryDef, SourceDef } from '../../../test/lab/model.js';
import { skipUnlessTools } from '../../../test/support/shared.js';
import { createLocalTransport } from '../../transport/local.js';
import { INSTALLONLY_PROVIDES } from '../../rpm/installonly.js';
import { duplicatePackages, installOnlyNames } from './rpmdb.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'dnf', 'rpm');
if (!skip) process.env.HOME = labHome(DEFAULT_CACHE); // Debian rpm: %_dbpath from the lab HOME (see test/lab/README.md)

// name → what it provides beyond its own name. Install-only: one package per capability of dnf's list
// (kernel and kernel-PAE by name). Not install-only: kernel-headers and kernel-tools, which a name pattern
// like kernel-* wrongly took for kernels, and an ordinary package.
const PACKAGES: Record<string, string[]> = {
  'kernel': [], 'kernel-PAE': [], 'kernel-core': ['installonlypkg(kernel)'], 'kernel-devel': ['installonlypkg(kernel)'],
  'kmod-lab': ['installonlypkg(kernel-module)'], 'lab-vm-image': ['installonlypkg(vm)'], 'kernel-lab-rt': ['multiversion(kernel)'],
  'kernel-headers': [], 'kernel-tools': [], 'zlib-lab': [],
};
const EXPECTED_INSTALL_ONLY = ['kernel', 'kernel-PAE', 'kernel-core', 'kernel-devel', 'kmod-lab', 'kernel-lab-rt', 'lab-vm-image'].sort();

function sources(release: string): SourceDef[] {
  // One source per package: no payload files, so two versions never conflict on a path.
  return Object.entries(PACKAGES).map(([name, provides]): SourceDef => {
    const bin: BinaryDef = { name, provides };
    return { name, version: '1.0', release, arch: 'x86_64', vendor: 'Ferry lab', binaries: [bin] };
  });
}

test('installOnlyNames equals the packages the real dnf installs side by side on upgrade; duplicatePackages passes exactly those', { skip }, async () => {
  const cacheDir = DEFAULT_CACHE;
  const [v1, v2] = await Promise.all([
    buildRepo({ id: 'installonly-v1', sources: sources('1') }, cacheDir),
    buildRepo({ id: 'installonly-v2', sources: sources('2') }, cacheDir),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'ferry-installonly-'));
  try {
    const root = join(dir, 'root');
    mkdirSync(root);
    const conf = join(dir, 'dnf.conf');
    const repos = (...urls: string[]): string[] => urls.flatMap((u, i) => [`[lab-${i}]`, `name=lab ${i}`, `baseurl=file://${u}`, 'gpgcheck=0', 'enabled=1', '']);
    const dnf = (repoDirs: string[], ...args: string[]): Promise<unknown> => {
      // No installonlypkgs line: dnf's defaults, as in the dnf.conf Ferry writes for a migration.
      writeFileSync(conf, ['[main]', 'gpgcheck=0', 'installonly_limit=3', 'best=True', `reposdir=${join(dir, 'none')}`,
        `cachedir=${join(dir, 'cache')}`, 'metadata_expire=-1', '', ...repos(...repoDirs)].join('\n'));
      return run('dnf', ['-y', '-q', '--config', conf, '--installroot', root, '--releasever', '9', '--disableplugin=*', ...args], { env: labEnv(cacheDir) });
    };
    await dnf([v1], 'install', ...Object.keys(PACKAGES));
    await dnf([v1, v2], 'upgrade');

    const t = createLocalTransport({ root });
    const qa = await t.run(['rpm', '--root', root, '-qa', '--qf', '%{NAME}.%{ARCH}|%{RELEASE}\\n']);
    assert.equal(qa.code, 0, qa.stderr);
    const rows = qa.stdout.split('\n').filter(Boolean).map((l) => l.split('|'));
    // What dnf did: every package went to release 2; the install-only ones kept release 1 beside it.
    const keptBoth = [...new Set(rows.filter(([, rel]) => rel === '1').map(([na]) => na.replace(/\.x86_64$/, '')))].sort();
    assert.deepEqual(rows.filter(([, rel]) => rel === '2').length, Object.keys(PACKAGES).length, 'dnf upgraded every package');
    assert.deepEqual(keptBoth, EXPECTED_INSTALL_ONLY, 'dnf kept these side by side (its installonlypkgs)');

    const ours = [...await installOnlyNames(t)].sort();
    assert.deepEqual(ours, keptBoth, `Ferry's install-only set (${INSTALLONLY_PROVIDES.join(', ')}) equals dnf's`);

    const lines = rows.map(([na]) => na);
    assert.deepEqual(duplicatePackages(lines, new Set(ours)), [], 'install-only pairs are not an unfinished transaction');
    // The check can fail: without the install-only set, every pair dnf kept is a duplicate.
    assert.deepEqual(duplicatePackages(lines, new Set()), keptBoth.map((n) => `${n}.x86_64`).sort());
    await t.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('installOnlyNames on an empty rpmdb is empty; an unreadable rpmdb is an error naming the host', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-installonly-'));
  try {
    const empty = createLocalTransport({ root: dir });
    assert.deepEqual([...await installOnlyNames(empty)], []);
    await empty.close();
    mkdirSync(join(dir, 'var/lib/rpm'), { recursive: true });
    writeFileSync(join(dir, 'var/lib/rpm/rpmdb.sqlite'), 'not a database\n');
    const broken = createLocalTransport({ root: dir });
    await assert.rejects(installOnlyNames(broken), (e: Error & { code?: string }) => e.code === 'STEP_FAILED' && /install-only/.test(e.message));
    await broken.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
