// `ferry plan` on lab hosts: the catalog path's method decides the plan (CentOS 8 → TencentOS 3.1 is a
// same-major swap, though TencentOS numbers its releases 2.4/3.1), the repositories are read on the
// controller as `ferry assess` reads them, and planning writes nothing on the host (its whole file tree
// hashes the same before and after; over the real sshd: read-only.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnlessTools } from '../support/shared.js';
import type { MigrationPlan } from '../../src/plan/index.js';
import { RPMDB_READER_FILES, treeHash } from '../../src/exec/testing/fixture.js';
import { useLab } from './helpers.js';
import { ferry } from './cli.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'dnf', 'rpm', 'sshd');
const labOf = useLab(skip);

const TREE_IGNORE = RPMDB_READER_FILES;

test('centos-8 → tencentos-3.1: a same-major plan from the catalog path, and the host tree is unchanged', { skip }, async () => {
  const d = await labOf().distro('tencentos-3');
  const host = await labOf().host({ from: 'centos-8' });
  const before = treeHash(host.root, TREE_IGNORE);
  const r = await ferry(['--json', 'plan', 'local', '--root', host.root, '--to', 'tencentos-3.1', '--repo', `tencentos-3.1=${d.repoDir}`, '--nogpgcheck']);
  assert.equal(r.code, 0, r.err + r.out.slice(0, 2000));
  const plan = JSON.parse(r.out) as MigrationPlan;
  assert.equal(plan.source, 'centos-8');
  assert.equal(plan.method, 'same-major-swap');
  assert.ok(plan.swap.install.includes('tencentos-release'), plan.swap.install.join(' '));
  assert.equal(treeHash(host.root, TREE_IGNORE), before, 'ferry plan changed the host');
});
