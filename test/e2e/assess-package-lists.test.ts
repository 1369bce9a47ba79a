// `ferry assess --manifest` reads a package list as the user means it: every format the help names gives
// the fates the real installed root gives (the lab's CentOS 8 host against its Rocky 8 repository, whose
// openssl carries Epoch 1 at the same version); what is not a package list is refused, naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Assessment, TargetAssessment } from '../../src/assess/types.js';
import { validateAssessment } from '../../src/report/assessment-schema.js';
import type { LabHost } from '../lab/lab.js';
import { skipUnlessTools } from '../support/shared.js';
import { ferry } from './cli.js';
import { sh, useLab } from './helpers.js';

const skip = skipUnlessTools('rpm', 'rpmbuild', 'createrepo_c', 'dnf');
const lab = useLab(skip);
const dir = mkdtempSync(join(tmpdir(), 'ferry-package-lists-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function assess(args: string[], repo: string): Promise<TargetAssessment> {
  const r = await ferry(['--json', 'assess', ...args, '--to', 'rocky-8', '--repo', `rocky-8=${repo}`, '--today', '2024-06-01', '--no-progress']);
  assert.equal(r.code, 0, `${args.join(' ')}: exit ${r.code}: ${r.out.slice(0, 1000)}`);
  const a = JSON.parse(r.out) as Assessment;
  assert.deepEqual(validateAssessment(a), []);
  return a.targets[0];
}

/** `rpm -qa` on the host with a query format (empty: rpm's default). */
function rpmQa(host: LabHost, qf?: string): string {
  const r = sh(['rpm', '--root', host.root, '-qa', ...(qf ? ['--qf', qf] : [])], host.env);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Fates by name.arch: fate and target, what must not depend on how the package list was written. */
const fateMap = (t: TargetAssessment): Record<string, string> =>
  Object.fromEntries(t.fates.map((f) => [`${f.name}.${f.arch}`, `${f.fate} ${(f.target ?? []).join(',')}`]));

test('every package list format gives the fates of the installed root; a list without epochs says so', { skip }, async () => {
  const host = await lab().host({ from: 'centos-8', extras: ['nodejs'] });
  const repo = (await lab().distro('rocky-8')).repoDir;
  const truth = await assess(['--root', host.root], repo);
  assert.match(fateMap(truth)['openssl-libs.x86_64'] ?? '', /^same /, 'the lab carries openssl 1:1.1.1c-15 on both sides');
  const lists: Record<string, string> = {
    'rpm-qa.txt': rpmQa(host),
    'nevra.txt': rpmQa(host, '%{NEVRA}\\n'),
    // sos's rpm plugin (sos/report/plugins/rpm.py): installed-rpms
    'installed-rpms': rpmQa(host, '%-59{NVRA} %{INSTALLTIME:date}\\n'),
  };
  assert.doesNotMatch(lists['rpm-qa.txt'], /:/, 'plain rpm -qa prints no epoch');
  assert.match(lists['nevra.txt'], /^openssl-libs-1:1\.1\.1c-15\.el8\.x86_64$/m);
  for (const [name, text] of Object.entries(lists)) writeFileSync(join(dir, name), text);
  // a sosreport directory: installed-rpms at its top, a symlink into sos_commands as sos makes it
  const sos = join(dir, 'sosreport-c8-2026-12-02');
  mkdirSync(join(sos, 'sos_commands', 'rpm'), { recursive: true });
  writeFileSync(join(sos, 'sos_commands', 'rpm', 'sh_-c_rpm_--nodigest_-qa_--qf_NVRA_INSTALLTIME_date_sort_-V'), lists['installed-rpms']);
  symlinkSync(join('sos_commands', 'rpm', 'sh_-c_rpm_--nodigest_-qa_--qf_NVRA_INSTALLTIME_date_sort_-V'), join(sos, 'installed-rpms'));

  for (const [path, epochsKnown] of [[join(dir, 'rpm-qa.txt'), false], [join(dir, 'nevra.txt'), true], [join(dir, 'installed-rpms'), false], [sos, false]] as const) {
    const t = await assess(['--manifest', path], repo);
    assert.deepEqual(fateMap(t), fateMap(truth), `${path}: the fates of the installed root`);
    const notice = t.findings.find((f) => f.key === 'package-list:epochs-unknown');
    assert.equal(notice === undefined, epochsKnown, `${path}: the epochs-unknown notice`);
    if (!epochsKnown) {
      assert.equal(t.fates.find((f) => f.name === 'openssl-libs')?.reason, 'epoch not in the package list: taken as the target\'s epoch 1 (openssl-libs-1:1.1.1c-15.el8.x86_64)');
    }
    assert.ok(!t.findings.some((f) => f.check === 'rpmdb'), `${path}: a package list says nothing about an rpm database`);
    assert.ok(t.notAssessed?.some((n) => n.check === 'rpmdb'), `${path}: the rpmdb check is listed as not assessed`);
  }

  // a line given twice is counted once and said once
  const twice = join(dir, 'twice.txt');
  writeFileSync(twice, lists['rpm-qa.txt'] + lists['rpm-qa.txt'].split('\n')[0] + '\n');
  const t2 = await assess(['--manifest', twice], repo);
  assert.equal(t2.fates.length, truth.fates.length);
  const dup = t2.findings.find((f) => f.key === 'package-list:duplicates');
  assert.ok(dup, 'the duplicates notice');
  assert.match(dup.summary, new RegExp(`${lists['rpm-qa.txt'].split('\n')[0].replace(/[.+]/g, '\\$&')} more than once`));

  // an aarch64 host (the majority arch of its list) against the x86_64 repository: an inhibitor, not a flood of "missing"
  const arm = join(dir, 'aarch64.txt');
  writeFileSync(arm, lists['rpm-qa.txt'].replace(/\.x86_64$/gm, '.aarch64'));
  const t3 = await assess(['--manifest', arm], repo);
  const mismatch = t3.findings.find((f) => f.key === 'arch-mismatch');
  assert.ok(mismatch, t3.findings.map((f) => f.key).join(', '));
  assert.ok(t3.inhibitors.includes('arch-mismatch'));
  assert.equal(mismatch.title, 'The host is aarch64, the rocky-8 repositories are built for x86_64');
  assert.equal((await assess(['--manifest', join(dir, 'rpm-qa.txt')], repo)).inhibitors.includes('arch-mismatch'), false);
});

test('what is not a package list is refused naming the file (and the line), exit 1, never a host finding', async () => {
  const write = (name: string, data: string | Buffer): string => { const p = join(dir, name); writeFileSync(p, data); return p; };
  const fifo = join(dir, 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const bad: [string[], string, RegExp][] = [
    [['--manifest', write('bad-line.txt', 'bash-4.4.19-10.el8.x86_64\nbash 4.4.19\n')], 'MANIFEST_INVALID', /bad-line\.txt:2: expected one package per line.*"bash 4\.4\.19"/],
    [['--manifest', write('binary.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]))], 'MANIFEST_INVALID', /binary\.bin is not a text file/],
    [['--manifest', write('empty.txt', '')], 'MANIFEST_INVALID', /empty\.txt lists no packages/],
    [['--manifest', fifo], 'MANIFEST_INVALID', /fifo is not a regular file \(a FIFO\)/],
    [['--manifest', mkdtempSync(join(dir, 'not-a-sosreport-'))], 'MANIFEST_INVALID', /not-a-sosreport-\w+ is a directory without installed-rpms/],
    [['--manifest', join(dir, 'absent.txt')], 'NOT_FOUND', /absent\.txt does not exist/],
    [['--rpmdb', join(dir, 'absent-db')], 'NOT_FOUND', /absent-db does not exist/],
  ];
  for (const [args, code, message] of bad) {
    const r = await ferry(['--json', 'assess', ...args, '--to', 'rocky-8', '--no-progress']);
    assert.equal(r.code, 1, `${args.join(' ')}: exit ${r.code} ${r.out}`);
    const e = (JSON.parse(r.out) as { error: { code: string; message: string } }).error;
    assert.equal(e.code, code, `${args.join(' ')}: ${r.out}`);
    assert.match(e.message, message);
  }
  // the text form names code, file and line on stderr
  const t = await ferry(['assess', '--manifest', join(dir, 'bad-line.txt'), '--to', 'rocky-8', '--no-progress']);
  assert.equal(t.code, 1);
  assert.match(t.err, /\[MANIFEST_INVALID\]: .*bad-line\.txt:2:/);
});
