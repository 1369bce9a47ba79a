// Pure parts of verification: the rpmdb count check and enabled units from symlinks or systemctl output.
// The lab-root cases (empty and partial rpmdb, services removed by a migration, BLS boot default) are in
// ./steps/steps.test.ts, which carries one host through the migration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalTransport } from '../transport/local.js';
import { skipUnlessTools } from '../../test/support/shared.js';
import { checkRpmdbCount, enabledFromSymlinks, enabledUnits, RPMDB_MIN_RATIO } from './verify.js';
import { enabledUnitNames } from '../facts/index.js';

test('rpmdb count: empty always fails; with a before count, below RPMDB_MIN_RATIO fails', () => {
  const cases: [number | undefined, number, boolean][] = [
    [undefined, 0, false], [undefined, 1, true], [23, 0, false], [23, 27, true], [23, 23, true],
    [23, Math.ceil(23 * RPMDB_MIN_RATIO), true], [23, Math.ceil(23 * RPMDB_MIN_RATIO) - 1, false], [400, 6, false], [0, 1, true],
  ];
  for (const [before, after, ok] of cases) assert.equal(checkRpmdbCount(before, after).ok, ok, `${before} → ${after}`);
  assert.match(checkRpmdbCount(23, 0).detail, /empty or wrong database/);
});

test('enabled units from symlinks: wants/requires links whose unit file exists, templates, not dangling, not masked', () => {
  const listing = ['L sshd.service', 'L getty@tty1.service', 'L gone.service', 'L masked.service', 'L local-fs.target',
    'U sshd.service', 'U getty@.service', 'U masked.service', 'M masked.service', 'U local-fs.target', ''].join('\n');
  assert.deepEqual(enabledFromSymlinks(listing), ['getty@tty1.service', 'local-fs.target', 'sshd.service']);
  assert.deepEqual(enabledFromSymlinks(''), []);
});

const skip = skipUnlessTools('systemctl', 'find');

test('enabled units on a root agree with systemctl --root list-unit-files --state=enabled (real systemctl output parsed)', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-units-'));
  try {
    const root = join(dir, 'root');
    const lib = join(root, 'usr/lib/systemd/system');
    const etc = join(root, 'etc/systemd/system');
    mkdirSync(lib, { recursive: true });
    mkdirSync(join(etc, 'multi-user.target.wants'), { recursive: true });
    mkdirSync(join(etc, 'getty.target.wants'), { recursive: true });
    const unit = '[Unit]\nDescription=x\n[Service]\nExecStart=/usr/bin/true\n[Install]\nWantedBy=multi-user.target\n';
    for (const u of ['sshd.service', 'chronyd.service', 'masked.service']) writeFileSync(join(lib, u), unit);
    // As systemd ships it: systemctl judges a template by its [Install] section.
    writeFileSync(join(lib, 'getty@.service'), unit.replace('WantedBy=multi-user.target', 'WantedBy=getty.target\nDefaultInstance=tty1'));
    symlinkSync('/usr/lib/systemd/system/sshd.service', join(etc, 'multi-user.target.wants/sshd.service'));
    symlinkSync('/usr/lib/systemd/system/removed.service', join(etc, 'multi-user.target.wants/removed.service'));
    symlinkSync('/usr/lib/systemd/system/masked.service', join(etc, 'multi-user.target.wants/masked.service'));
    symlinkSync('/dev/null', join(etc, 'masked.service'));
    symlinkSync('/usr/lib/systemd/system/getty@.service', join(etc, 'getty.target.wants/getty@tty1.service'));
    const sc = spawnSync('systemctl', [`--root=${root}`, 'list-unit-files', '--state=enabled', '--no-legend', '--no-pager'], { encoding: 'utf8' });
    assert.equal(sc.status, 0, sc.stderr);
    const fromSystemctl = enabledUnitNames(sc.stdout);
    const t = createLocalTransport({ root });
    const ours = await enabledUnits(t);
    await t.close();
    assert.deepEqual(ours, ['getty@tty1.service', 'sshd.service']);
    // systemctl lists unit files, so an enabled instance shows as its template.
    assert.deepEqual(fromSystemctl, [...new Set((ours ?? []).map((u) => u.replace(/@[^.]+\./, '@.')))].sort());
    assert.deepEqual(await enabledUnits(createLocalTransport({ root: join(dir, 'no-systemd') })), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
