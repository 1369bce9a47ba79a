// The README's first command, `npm run demo`, proven in a lean mode: one CentOS 8 lab host over the real
// sshd, assessed against two targets by the ferry CLI (from the sources), migrated to the top-ranked one,
// recorded in a SQLite store; the JSON summary, the HTML report, the store and the teardown are checked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSqliteStore } from '../../src/store/index.js';
import type { DemoSummary } from '../../scripts/demo.js';
import { skipUnlessTools } from '../support/shared.js';

const skip = skipUnlessTools('rpm', 'rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'sshd', 'ssh-keygen');
const PROJECT = resolve(import.meta.dirname, '..', '..');
const TARGETS = ['rocky-8', 'almalinux-8'];

function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    // FERRY_FROM_SOURCE: the ferry children run the sources under test, never a stale dist/.
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT, 'scripts', 'demo.ts'), ...args],
      { cwd: PROJECT, env: { ...process.env, FERRY_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const portOpen = (port: number): Promise<boolean> => new Promise((done) => {
  const s = connect({ host: '127.0.0.1', port }, () => { s.destroy(); done(true); });
  s.on('error', () => done(false));
});

let out: string;
let summary: DemoSummary;
let log: string;

before(async () => {
  if (skip) return;
  out = mkdtempSync(join(tmpdir(), 'ferry-demo-test-'));
  const r = await runDemo(['--hosts', '1', '--targets', TARGETS.join(','), '--migrate', '1', '--out', out, '--json']);
  log = r.stderr;
  assert.equal(r.code, 0, `demo exit ${r.code}\n${r.stderr.slice(-4000)}\n${r.stdout.slice(0, 2000)}`);
  summary = JSON.parse(r.stdout) as DemoSummary;
});

after(() => { if (out) rmSync(out, { recursive: true, force: true }); });

test('the demo assesses its host over SSH against each target and ranks them', { skip }, () => {
  assert.equal(summary.ok, true, summary.failures.join('\n'));
  assert.deepEqual(summary.failures, []);
  assert.deepEqual(summary.targets, TARGETS);
  assert.equal(summary.hosts.length, 1);
  const [h] = summary.hosts;
  assert.match(h.address, /^ssh:\/\/root@127\.0\.0\.1:\d+$/);
  assert.ok(h.packages > 20, `${h.packages} packages`);
  assert.deepEqual(h.ranking.map((x) => x.rank), [1, 2]);
  assert.deepEqual(h.ranking.map((x) => x.target).sort(), [...TARGETS].sort());
  assert.ok(h.ranking[0].score >= h.ranking[1].score, 'rank order follows score');
  for (const x of h.ranking) assert.equal(x.counts.missing, 1, `${x.target}: lab-orphan is the one package with no counterpart`);
  assert.equal(h.chosen, h.ranking.find((x) => x.inhibitors === 0)?.target);
  // The human progress (stderr under --json) shows the table and the real commands.
  assert.match(log, /rank\s+target\s+score/);
  assert.match(log, /\$ ferry --json assess ssh:\/\/root@127\.0\.0\.1:\d+ /);
});

test('the HTML report is written and names the host\'s targets', { skip }, () => {
  const page = readFileSync(summary.hosts[0].report, 'utf8');
  assert.match(page, /^<!DOCTYPE html>/i);
  for (const t of TARGETS) assert.ok(page.includes(t), `${t} in the report`);
});

test('the chosen target is migrated with ferry migrate --yes and verified', { skip }, () => {
  const m = summary.hosts[0].migration;
  assert.ok(m, 'migrated');
  assert.equal(m.target, summary.hosts[0].chosen);
  assert.equal(m.status, 'completed');
  assert.equal(m.state, 'completed', 'ferry status agrees');
  assert.equal(m.verified, true, JSON.stringify(m.checks));
  const ids = m.checks.map((c) => c.id);
  for (const id of ['os-release', 'release-package', 'dnf-check']) assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
  assert.ok(m.checks.find((c) => c.id === 'os-release')?.detail.includes(`ID=${m.target.split('-')[0]}`));
  assert.ok(m.leftovers.some((l) => l.startsWith('lab-orphan-')), 'the package no target carries stays, reported');
  // Asked of rpm on the root by the demo itself, outside Ferry.
  assert.match(m.rpm.releasePackage ?? '', new RegExp(`^${m.target.split('-')[0]}-release-`));
  // 5 centos vendor packages out, the target's in (test/lab/README.md: rocky 5, almalinux 3), lab-bundle-data added
  // by the split, the new kernel's 3 packages beside the old (install-only).
  const incoming = { 'rocky-8': 5, 'almalinux-8': 3 }[m.target];
  assert.equal(m.rpm.packages, summary.hosts[0].packages - 5 + (incoming ?? NaN) + 1 + 3);
  assert.equal(summary.hosts[0].error, null);
});

test('hosts, assessments, the plan and the mirrored journal are in the SQLite store', { skip }, async () => {
  assert.equal(summary.db, join(out, 'ferry.db'));
  const store = openSqliteStore({ path: summary.db });
  try {
    const [h] = summary.hosts;
    // One host record: the demo's assessments and ferry migrate --store's execution under the same name.
    const hosts = await store.listHosts();
    assert.deepEqual(hosts.map((x) => [x.name, x.address, x.labels['demo.name']]), [[h.storeName, h.address, h.name]]);
    assert.equal(h.storeName, `${h.address}:${h.root}`);
    const assessments = await store.listAssessments(h.storeName);
    assert.deepEqual(assessments.map((a) => a.target).sort(), [...TARGETS].sort());
    const m = h.migration!;
    assert.equal(hosts[0].labels['ferry.current-execution'], m.executionId);
    const e = await store.getExecution(m.executionId);
    assert.equal(e?.state, 'completed');
    assert.equal(e?.hostName, h.storeName);
    assert.ok(e?.planId && await store.getPlan(e.planId), 'the plan is stored');
    assert.ok(m.journalEntries > 10);
    assert.equal(m.storedJournalEntries, m.journalEntries, 'the whole host journal is mirrored');
    assert.equal((await store.listJournal(m.executionId)).length, m.journalEntries);
    assert.equal(m.storeState, 'completed', 'ferry status --from-store');
    assert.deepEqual(summary.store, { hosts: 1, assessments: TARGETS.length, plans: 1, executions: [{ id: m.executionId, host: h.name, state: 'completed' }] });
  } finally {
    await store.close();
  }
});

test('the lab host is torn down: sshd stopped, root removed', { skip }, async () => {
  const h = summary.hosts[0];
  assert.equal(existsSync(h.root), false, `${h.root} still exists`);
  assert.equal(await portOpen(Number(h.address.split(':').pop())), false, 'sshd still listens');
});

test('a failing ferry step makes the demo exit 1 and name the step', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-demo-fail-'));
  try {
    mkdirSync(join(dir, 'reports', 'web-1.html'), { recursive: true }); // the HTML report cannot be written
    const r = await runDemo(['--hosts', '1', '--targets', 'rocky-8', '--migrate', '1', '--out', dir, '--json']);
    assert.equal(r.code, 1, r.stderr.slice(-2000));
    const s = JSON.parse(r.stdout) as DemoSummary;
    assert.equal(s.ok, false);
    assert.match(s.failures.join('\n'), /^assess web-1: exit 1: \[IO\] Cannot write the report to .*web-1\.html/m);
    assert.equal(s.hosts[0].migration, null, 'nothing is migrated after a failed assessment');
    assert.match(s.hosts[0].error ?? '', /^assess web-1: /);
    assert.match(r.stderr, /demo FAILED/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad arguments exit 2 before building anything', { skip }, async () => {
  const r = await runDemo(['--targets', 'centos-9', '--json']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--targets: centos-9 not among rocky-8, almalinux-8/);
  assert.equal(r.stdout, '');
});
