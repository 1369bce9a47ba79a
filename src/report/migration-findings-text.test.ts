import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMigrationFindings } from './migration-findings-text.js';

test('workload findings with their fix, drift with its diff and merge; host text escaped', () => {
  const lines = renderMigrationFindings({
    workload: { before: 'b', after: 'a', ok: false, notCompared: [{ item: 'units', why: 'not collected before the migration' }], findings: [{
      key: 'workload-diff:port-closed:tcp:0.0.0.0:80', check: 'workload-diff', severity: 'high', groups: ['system'], title: 'Nothing listens on 0.0.0.0:80/tcp any more',
      summary: 'httpd\u001b[31m listened', remediation: { hint: 'Start it.', commands: [['ss', '-ltnup']] } }] },
    drift: { items: [{ path: '/etc/a.conf.rpmnew', kind: 'rpmnew', file: '/etc/a.conf', package: 'a', guidance: 'Merge it.', diff: '--- x\n+++ y\n@@ -1 +1 @@\n-a\n+b\n',
      originalFrom: '/var/cache/dnf/x/packages/a-1-1.noarch.rpm', merge: { clean: true, conflicts: 0, text: 'b\n', localChanges: '', packageChanges: '' } }] },
  });
  const text = lines.join('\n');
  assert.match(text, /^Workload diff: 1 finding\(s\), HIGH among them/);
  assert.match(text, /HIGH {3}Nothing listens on 0\.0\.0\.0:80\/tcp any more/);
  assert.match(text, /fix: Start it\. \(ss -ltnup\)/);
  assert.doesNotMatch(text, /\u001b/, 'escape sequences from the host are neutralised');
  assert.match(text, /not compared \(not collected before the migration\): units$/m);
  assert.match(text, /Configuration drift: 1 file\(s\) to merge\n {2}\/etc\/a\.conf\.rpmnew \(a\)\n {4}Merge it\.\n {4}--- x\n {4}\+\+\+ y\n {4}@@ -1 \+1 @@\n {4}-a\n {4}\+b/);
  assert.match(text, /three-way merge with the original from \/var\/cache\/dnf\/x\/packages\/a-1-1\.noarch\.rpm: clean\n {4}\| b$/);
  assert.deepEqual(renderMigrationFindings({}), []);
});
