/** Differential test: rpmIsa against the real rpm's `%{_isa}` for every arch Ferry knows, and noarch. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ISA_ARCHES, rpmIsa } from './arch.js';
import { skipUnlessTools } from '../../test/support/shared.js';

test('rpmIsa equals rpm --target ARCH-linux --eval %{_isa} for every arch, and noarch has none', { skip: skipUnlessTools('rpm') }, () => {
  for (const arch of [...ISA_ARCHES, 'noarch']) {
    const res = spawnSync('rpm', ['--target', `${arch}-linux`, '--eval', '%{_isa}'], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    const isa = rpmIsa(arch);
    assert.equal(res.stdout.trim(), isa === undefined ? '' : `(${isa})`, arch);
  }
  assert.equal(rpmIsa('__proto__'), undefined);
  assert.equal(rpmIsa('toString'), undefined);
});
