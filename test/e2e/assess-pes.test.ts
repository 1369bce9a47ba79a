// `ferry assess --pes`: a cross-major target's renamed, split and removed packages come from Leapp's
// package-evolution events. The real CentOS 7 container manifest (docker-library/repo-info, 2020) against the
// lab's AlmaLinux-8-shaped repository, with AlmaLinux's real pes-events.json (../shared/data/leapp).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Assessment, TargetAssessment } from '../../src/assess/types.js';
import { createLab, type Lab } from '../lab/lab.js';
import { sharedPath, skipUnlessShared, skipUnlessTools } from '../support/shared.js';
import { ferry } from './cli.js';

const skip = skipUnlessTools('rpm', 'rpmbuild', 'createrepo_c')
  || skipUnlessShared('leapp', 'pes-events.almalinux.json') || skipUnlessShared('manifests', 'docker-repo-info-2020', 'centos_7.txt');

let lab: Lab;
let args: string[];
let work: string;

before(async () => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'ferry-pes-'));
  lab = await createLab();
  const alma = await lab.distro('almalinux-8');
  args = ['--json', 'assess', '--manifest', sharedPath('manifests', 'docker-repo-info-2020', 'centos_7.txt'), '--to', 'almalinux-8',
    '--repo', `almalinux-8=${alma.repoDir}`, '--today', '2024-06-01', '--no-progress'];
});

after(async () => {
  if (skip) return;
  await lab.close();
  rmSync(work, { recursive: true, force: true });
});

let withoutErr = '';

async function assess(extra: string[]): Promise<TargetAssessment> {
  const r = await ferry([...args.filter((a) => a !== '--no-progress'), ...extra]);
  if (extra.length === 0) withoutErr = r.err;
  assert.equal(r.code, 0, r.err);
  const a = JSON.parse(r.out) as Assessment;
  assert.equal(a.sourceRelease, 'centos-7');
  return a.targets[0];
}

const fateOf = (t: TargetAssessment, name: string) => t.fates.find((f) => f.name === name);

test('CentOS 7 → AlmaLinux 8 with --pes: PES renames and splits are replaced via pes, PES removals are missing with the event named', { skip }, async () => {
  const without = await assess([]);
  const withPes = await assess(['--pes', sharedPath('leapp', 'pes-events.almalinux.json')]);
  const viaPes = withPes.fates.filter((f) => f.via === 'pes');
  assert.ok(viaPes.length >= 10, `${viaPes.length} fates via PES`);
  assert.equal(without.fates.filter((f) => f.via === 'pes').length, 0, 'no events, no PES fates');
  assert.match(withoutErr, /almalinux-8: a major upgrade without --pes events/, 'progress says PES-less predictions are weaker');
  // Hand-checked against pes-events.almalinux.json: python → platform-python, yum-utils → dnf-utils (both
  // renames), python-libs → python2-libs + python3-libs (a split), pygpgme removed in EL8. The lab's AlmaLinux 8
  // repository carries none of these replacements, so each is missing (not replaced), naming what is absent.
  assert.deepEqual([fateOf(withPes, 'python')?.fate, fateOf(withPes, 'python')?.via], ['missing', 'pes']);
  assert.match(fateOf(withPes, 'python')?.reason ?? '', /PES event 916 \(replaced\) replaces python with platform-python; the target repositories do not carry platform-python/);
  assert.match(fateOf(withPes, 'yum-utils')?.reason ?? '', /replaces yum-utils with dnf-utils; the target repositories do not carry dnf-utils/);
  assert.match(fateOf(withPes, 'python-libs')?.reason ?? '', /PES event 205 \(split\) .* do not carry python2-libs, python3-libs/);
  assert.ok(viaPes.every((f) => f.fate !== 'replaced' || (f.target ?? []).every((n) => /-\d/.test(n))), 'a PES replacement is a package of the target repository');
  const pygpgme = fateOf(withPes, 'pygpgme');
  assert.equal(pygpgme?.fate, 'missing');
  assert.match(pygpgme?.reason ?? '', /PES event \d+ removes pygpgme/);
  // Without the events the same packages have no counterpart in the target repository, and no reason from PES.
  assert.equal(fateOf(without, 'yum-utils')?.fate, 'missing');
  assert.equal(fateOf(without, 'yum-utils')?.via, undefined);
});

test('a malformed --pes file is refused with PES_INVALID naming it, before anything is assessed', { skip }, async () => {
  const bad = join(work, 'pes-events.json');
  writeFileSync(bad, JSON.stringify({ packageinfo: [{ id: 1, action: 99, in_packageset: { package: [] } }] }));
  const r = await ferry([...args, '--pes', bad]);
  assert.notEqual(r.code, 0);
  const out = `${r.out}${r.err}`;
  assert.match(out, /PES_INVALID/);
  assert.ok(out.includes(bad), out);
  assert.doesNotMatch(out, /"targets"/, 'no report');
});
