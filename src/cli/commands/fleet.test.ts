import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonValue } from '../../core/index.js';
import { openFerryStore } from '../../app/store.js';
import { validateFleetReport } from '../../report/fleet/index.js';
import { runCli as run } from '../testing.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-cli-fleet-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const pkg = (name: string, version: string, release: string, arch: string): JsonValue => ({ name, epoch: 0, version, release, arch, vendor: 'CentOS' });

/** A stored facts document as collection writes it (HostFacts, src/facts/types.ts), of a small CentOS 8 host. */
function factsOf(hostname: string, extra: readonly JsonValue[]): JsonValue {
  return {
    formatVersion: 1, collectedAt: '2026-05-01T00:00:00Z', source: 'live', origin: `ssh://root@${hostname}:22`, sections: {},
    system: { hostname, arch: 'x86_64' },
    os: { id: 'centos', idLike: ['rhel', 'fedora'], name: 'CentOS Linux', version: '8', versionId: '8', platformId: 'platform:el8', raw: {} },
    packages: [pkg('bash', '4.4.19', '10.el8', 'x86_64'), pkg('centos-release', '8.2', '2.2004.0.1.el8', 'x86_64'), ...extra],
  };
}


test('fleet assess then fleet report in every format, from a real store', async () => {
  const storePath = join(dir, 'ferry.db');
  const store = await openFerryStore(storePath);
  try {
    for (const [name, extra] of [['web1', []], ['web2', []], ['db1', [pkg('glibc', '2.28', '101.el8', 'i686')]]] as const) {
      await store.upsertHost({ name });
      await store.saveFactSnapshot({ hostName: name, facts: factsOf(name, extra) });
    }
    await store.upsertHost({ name: 'new1' });
  } finally {
    await store.close();
  }
  const a = await run(['fleet', 'assess', '--to', 'rocky-8,almalinux-8', '--today', '2026-06-01', '--store', storePath, '--no-progress']);
  assert.equal(a.code, 0, a.err);
  assert.match(a.out, /4 hosts, 2 distinct package sets, 4 target assessments/);
  assert.match(a.out, /not assessed/);
  const j = await run(['fleet', 'report', '--format', 'json', '--store', storePath]);
  assert.equal(j.code, 0, j.err);
  const report: unknown = JSON.parse(j.out);
  assert.deepEqual(validateFleetReport(report), []);
  assert.match(j.out, /"host": "new1",\s+"recommended": null/);
  const csv = await run(['fleet', 'report', '--format', 'csv', '--store', storePath]);
  assert.equal(csv.out.split('\r\n').length, 1 + 4 * 2 + 1);
  const out = join(dir, 'fleet.html');
  const h = await run(['fleet', 'report', '--format', 'html', '--out', out, '--store', storePath]);
  assert.equal(h.code, 0, h.err);
  assert.match(readFileSync(out, 'utf8'), /^<!DOCTYPE html>/);
  assert.match(h.err, /wrote the html fleet report of fleet-2026-06-01-/);
  const bad = await run(['fleet', 'report', '--run', 'fleet-2026-06-01-nope', '--store', storePath]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /NOT_FOUND/);
  const unknown = await run(['fleet', 'assess', 'web9', '--to', 'rocky-8', '--store', storePath]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /SELECTOR_UNKNOWN.*"web9".*did you mean web1/);
  const picked = await run(['--json', 'fleet', 'assess', 'host:web*', '--to', 'rocky-8', '--today', '2026-06-01', '--store', storePath, '--no-progress']);
  assert.equal(picked.code, 0, picked.err);
  assert.deepEqual((JSON.parse(picked.out) as { report: { hosts: Array<{ host: string }> } }).report.hosts.map((x) => x.host), ['web1', 'web2'], 'only the hosts the selector picks');
});

test('fleet assess keeps the targets in the order given (--to), which breaks ties', async () => {
  const storePath = join(dir, 'order.db');
  const store = await openFerryStore(storePath);
  try {
    await store.upsertHost({ name: 'web1' });
    await store.saveFactSnapshot({ hostName: 'web1', facts: factsOf('web1', []) });
  } finally {
    await store.close();
  }
  for (const to of [['rocky-8', 'almalinux-8'], ['almalinux-8', 'rocky-8']]) {
    const a = await run(['fleet', 'assess', '--to', to.join(','), '--today', '2026-06-01', '--store', storePath, '--no-progress']);
    assert.equal(a.code, 0, a.err);
    const j = await run(['fleet', 'report', '--format', 'json', '--store', storePath]);
    const report = JSON.parse(j.out) as { targets: string[]; readiness: Array<{ target: string }>; recommendation: { decidedBy: string | null } };
    assert.deepEqual([report.targets, report.readiness.map((r) => r.target)], [to, to], to.join());
    assert.ok(report.recommendation.decidedBy !== null, 'two targets: the deciding factor is named');
  }
});
