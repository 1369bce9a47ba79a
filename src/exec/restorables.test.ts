// packageSetRestorable against the real rpm and dnf: a root with ferry-a-1.0 installed from a lab repo,
// a step that upgrades it and installs ferry-b, then rollback back to the recorded package set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFerryError } from '../core/index.js';
import { createLocalTransport } from '../transport/local.js';
import { skipUnlessTools } from '../../test/support/shared.js';
import { dirRestorable, fileRestorable, packageSetRestorable } from './restorables.js';
import { defineStep, rollback, runPlan } from './runner.js';

const skip = skipUnlessTools('rpm', 'rpmbuild', 'createrepo_c', 'dnf');
const dir = mkdtempSync(join(tmpdir(), 'ferry-pkgset-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function buildRpm(name: string, version: string, topdir: string): void {
  const spec = join(topdir, `${name}-${version}.spec`);
  writeFileSync(spec, [
    `Name: ${name}`, `Version: ${version}`, 'Release: 1', 'Summary: Ferry test package', 'License: MIT', 'BuildArch: noarch',
    '%description', 'Ferry test package.', '%install', `mkdir -p %{buildroot}/usr/share/${name}`,
    `echo ${version} > %{buildroot}/usr/share/${name}/version`, '%files', `/usr/share/${name}`, '',
  ].join('\n'));
  sh('rpmbuild', ['--quiet', '--define', `_topdir ${topdir}`, '--define', `_rpmdir ${join(dir, 'repo')}`, '-bb', spec]);
}

test('packageSetRestorable: rollback returns the root to the recorded NEVRAs via dnf; missing NEVRAs → ROLLBACK_INCOMPLETE', { skip }, async () => {
  // Debian's rpm keeps its database under $HOME unless told otherwise (see ../shared/data/README.md).
  const home = join(dir, 'home');
  mkdirSync(home);
  writeFileSync(join(home, '.rpmmacros'), '%_dbpath /var/lib/rpm\n');
  process.env.HOME = home;
  const top = join(dir, 'top');
  mkdirSync(top);
  buildRpm('ferry-a', '1.0', top);
  buildRpm('ferry-a', '2.0', top);
  buildRpm('ferry-b', '1.0', top);
  sh('createrepo_c', ['--quiet', join(dir, 'repo')]);
  const reposdir = join(dir, 'repos.d');
  mkdirSync(reposdir);
  writeFileSync(join(reposdir, 'lab.repo'), `[lab]\nname=lab\nbaseurl=file://${join(dir, 'repo')}\ngpgcheck=0\n`);
  const env = { releasever: '8', modulePlatformId: null, repos: [{ id: 'lab', baseurl: `file://${join(dir, 'repo')}` }], gpgcheck: false };
  const dnfArgs = ['--releasever=8', `--setopt=reposdir=${reposdir}`, `--setopt=cachedir=${join(dir, 'cache')}`, '--nogpgcheck', '--setopt=best=True', '-q'];
  const root = join(dir, 'root');
  mkdirSync(join(root, 'var/lib'), { recursive: true });
  sh('dnf', ['-y', '--installroot', root, ...dnfArgs, 'install', 'ferry-a-1.0']);
  const qa = (): string => sh('rpm', ['--root', root, '-qa', '--qf', '%{NAME}-%{VERSION}\\n']).split('\n').filter(Boolean).sort().join(' ');
  assert.equal(qa(), 'ferry-a-1.0');

  const step = defineStep({
    kind: 'test.dnf-change',
    options: {},
    title: 'upgrade ferry-a, install ferry-b',
    async apply(ctx) {
      await ctx.register(packageSetRestorable({ env }));
      const r = await ctx.transport.run(['dnf', '-y', '--installroot', root, ...dnfArgs, 'install', 'ferry-a-2.0', 'ferry-b']);
      assert.equal(r.code, 0, r.stderr);
    },
  });
  const transport = createLocalTransport({ root });
  await runPlan({ plan: { id: 'p', steps: [step] }, transport, executionId: 'pk1' });
  assert.equal(qa(), 'ferry-a-2.0 ferry-b-1.0');
  await rollback({ transport, executionId: 'pk1' });
  assert.equal(qa(), 'ferry-a-1.0');

  // Again, but the recorded NEVRA has vanished from the repository: the restore reports what is left.
  await runPlan({ plan: { id: 'p', steps: [step] }, transport, executionId: 'pk2' });
  rmSync(join(dir, 'repo', 'noarch', 'ferry-a-1.0-1.noarch.rpm'));
  sh('createrepo_c', ['--quiet', join(dir, 'repo')]);
  rmSync(join(dir, 'cache'), { recursive: true, force: true });
  rmSync(join(root, 'var/cache/dnf'), { recursive: true, force: true });
  await assert.rejects(rollback({ transport, executionId: 'pk2' }), (e) =>
    isFerryError(e, 'ROLLBACK_INCOMPLETE') && /missing ferry-a-0:1\.0-1\.noarch/.test(e.message));
});

test('fileRestorable: rollback restores bytes, mode, mtime and atime (rpm -V compares mtimes)', async () => {
  const root = join(dir, 'file-root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  const file = join(root, 'etc', 'issue');
  writeFileSync(file, 'before\n', { mode: 0o640 });
  utimesSync(file, new Date('2003-04-05T06:07:08Z'), new Date('2001-02-03T04:05:06Z'));
  const step = defineStep({
    kind: 'test.file-change', options: {}, title: 'rewrite /etc/issue',
    async apply(ctx) {
      await ctx.register(fileRestorable('/etc/issue'));
      await ctx.transport.writeFile('/etc/issue', 'after\n', { mode: 0o644 });
    },
  });
  const transport = createLocalTransport({ root });
  await runPlan({ plan: { id: 'p', steps: [step] }, transport, executionId: 'f1' });
  assert.equal(readFileSync(file, 'utf8'), 'after\n');
  assert.notEqual(statSync(file).mtimeMs, Date.parse('2001-02-03T04:05:06Z'));
  await rollback({ transport, executionId: 'f1' });
  const st = statSync(file);
  assert.equal(readFileSync(file, 'utf8'), 'before\n');
  assert.equal(st.mode & 0o777, 0o640);
  assert.equal(st.mtime.toISOString(), '2001-02-03T04:05:06.000Z');
  assert.equal(st.atime.toISOString(), '2003-04-05T06:07:08.000Z');
});

test('dirRestorable: the archive is hashed on the host (sha256sum) and a tampered archive stops the restore with JOURNAL_CORRUPT', async () => {
  const root = join(dir, 'dir-root');
  mkdirSync(join(root, 'etc', 'yum.repos.d'), { recursive: true });
  writeFileSync(join(root, 'etc', 'yum.repos.d', 'a.repo'), '[a]\n');
  const step = defineStep({
    kind: 'test.dir-change', options: {}, title: 'rewrite /etc/yum.repos.d',
    async apply(ctx) {
      await ctx.register(dirRestorable('/etc/yum.repos.d'));
      await ctx.transport.writeFile('/etc/yum.repos.d/b.repo', '[b]\n');
    },
  });
  const transport = createLocalTransport({ root });
  await runPlan({ plan: { id: 'p', steps: [step] }, transport, executionId: 'd1' });
  const entry = readFileSync(join(root, 'var/lib/ferry/d1/journal.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { event: string; data?: { archive: string; sha256: string } }).find((e) => e.event === 'restorable');
  const archive = join(root, entry!.data!.archive);
  assert.equal(entry!.data!.sha256, createHash('sha256').update(readFileSync(archive)).digest('hex'), 'the digest sha256sum printed is the archive\'s');
  writeFileSync(archive, Buffer.concat([readFileSync(archive), Buffer.from('x')]));
  await assert.rejects(rollback({ transport, executionId: 'd1' }),
    (e) => isFerryError(e, 'ROLLBACK_INCOMPLETE') && /does not match its recorded sha256/.test(e.message) && /yum\.repos\.d/.test(e.message));
  assert.equal(readFileSync(join(root, 'etc/yum.repos.d/b.repo'), 'utf8'), '[b]\n', 'nothing was removed on the strength of a bad backup');
});
