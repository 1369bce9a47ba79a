// A plan, verify report or before.json damaged on the host (or the store's plan) is refused by ferry resume and
// ferry status with DOCUMENT_INVALID naming the host, the file and each JSON path — never run or shown as it is.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { LabHost } from '../lab/lab.js';
import { skipUnlessTools } from '../support/shared.js';
import { ferry } from './cli.js';
import { useLab } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'setsid', 'gpg');
const lab = useLab(skip);
let host: LabHost;
let stateDir: string;
let storeDir: string;

type Doc = Record<string, unknown> & { steps: Record<string, unknown>[] };

// One migrated host for all tests, made on first use (useLab's lab exists only once its hook has run).
let migrated: Promise<void> | undefined;
function migrateOnce(): Promise<void> {
  migrated ??= (async () => {
    host = await lab().host({ from: 'centos-8' });
    const d = await lab().distro('rocky-8');
    storeDir = mkdtempSync(join(tmpdir(), 'ferry-store-'));
    const res = await ferry(['--json', 'migrate', 'local', '--root', host.root, '--to', 'rocky-8', '--repo', `rocky-8=${d.repoDir}`, '--nogpgcheck', '--yes', '--store', join(storeDir, 'ferry.db')]);
    assert.equal(res.code, 0, res.err);
    // current: the execution id, then the journal head (its second line).
    const current = readFileSync(join(host.root, 'var/lib/ferry/current'), 'utf8').split('\n')[0].trim();
    stateDir = join(host.root, 'var/lib/ferry', current);
  })();
  return migrated;
}
after(async () => {
  host?.dispose();
  if (storeDir) rmSync(storeDir, { recursive: true, force: true });
});

const executionId = (): string => stateDir.split('/').pop() ?? '';

/** Runs `args` with `file` (in the state dir) changed by `damage`, then puts the file back. */
async function withDamaged(file: string, damage: (doc: Doc) => void, args: string[]): Promise<{ code: number; error: { code: string; message: string } }> {
  const path = join(stateDir, file);
  const good = readFileSync(path, 'utf8');
  const doc = JSON.parse(good) as Doc;
  damage(doc);
  writeFileSync(path, JSON.stringify(doc));
  try {
    const r = await ferry(['--json', ...args, 'local', '--root', host.root]);
    return { code: r.code, error: (JSON.parse(r.out) as { error: { code: string; message: string } }).error };
  } finally {
    writeFileSync(path, good);
  }
}

test('a damaged plan.json makes ferry resume and ferry status fail with DOCUMENT_INVALID and the JSON paths', { skip }, async () => {
  await migrateOnce();
  const cases: [string, (p: Doc) => void, string[]][] = [
    ['a step\'s options with a wrong type', (p) => { ((p.steps[0].options as { dnf: { repos: Record<string, unknown>[] } }).dnf.repos[0]).baseurl = 7; },
      ['/steps/0/options/dnf/repos/0/baseurl: must be string']],
    ['an unknown kind', (p) => { p.steps[3].kind = 'run-anything'; }, ['/steps/3/kind: must be equal to one of the allowed values']],
    ['a missing field', (p) => { delete p.swap; delete p.steps[6].options; }, ["/: must have required property 'swap'", "/steps/6: must have required property 'options'"]],
    ['options edited under the same step id', (p) => { (p.steps[1].options as { dirs: string[] }).dirs = ['/']; }, ['/steps/1/id: must be the content id of its kind and options']],
  ];
  for (const [name, damage, paths] of cases) {
    for (const command of ['resume', 'status']) {
      const r = await withDamaged('plan.json', damage, [command]);
      assert.equal(r.code, 1, `${command}, ${name}`);
      assert.equal(r.error.code, 'DOCUMENT_INVALID', `${command}, ${name}: ${r.error.message}`);
      assert.ok(r.error.message.includes(`The plan from host local, /var/lib/ferry/${executionId()}/plan.json is not valid`), r.error.message);
      for (const p of paths) assert.ok(r.error.message.includes(p), `${command}, ${name}: no "${p}" in ${r.error.message}`);
    }
  }
  const ok = await ferry(['--json', 'status', 'local', '--root', host.root]);
  assert.equal(ok.code, 0, ok.out);
  assert.equal((JSON.parse(ok.out) as { status: { state: string } }).status.state, 'completed', 'the restored plan reads again');
});

test('a damaged verify.json makes ferry status fail; a damaged before.json is refused by the reader the verify step uses', { skip }, async () => {
  await migrateOnce();
  const verify = await withDamaged('verify.json', (v) => { v.ok = 'yes'; delete v.checks; }, ['status']);
  assert.equal(verify.error.code, 'DOCUMENT_INVALID');
  assert.match(verify.error.message, /verify report from host .*verify\.json/);
  assert.ok(verify.error.message.includes('/ok: must be boolean') && verify.error.message.includes("/: must have required property 'checks'"), verify.error.message);
  // The journal says verify is done, so resume would not read before.json: the step reads it through the same reader.
  const { readEvidence } = await import('../../src/exec/verify-documents.js');
  const { createLocalTransport } = await import('../../src/transport/local.js');
  const path = join(stateDir, 'before.json');
  const good = readFileSync(path, 'utf8');
  writeFileSync(path, JSON.stringify({ ...(JSON.parse(good) as object), rpmVa: [1] }));
  const t = createLocalTransport({ root: host.root });
  try {
    await assert.rejects(readEvidence(t, `/var/lib/ferry/${executionId()}`), (e: Error & { code?: string }) => e.code === 'DOCUMENT_INVALID' && /before\.json/.test(e.message) && /\/rpmVa\/0: must be string/.test(e.message));
  } finally {
    writeFileSync(path, good);
    await t.close();
  }
});

test('a damaged plan in the store makes ferry status --from-store fail with DOCUMENT_INVALID naming the store', { skip }, async () => {
  await migrateOnce();
  const dbPath = join(storeDir, 'ferry.db');
  const db = new Database(dbPath);
  const row = db.prepare('SELECT id, plan FROM plans').get() as { id: string; plan: string };
  const doc = JSON.parse(row.plan) as Doc;
  (doc.steps[4].options as Record<string, unknown>).install = 'rocky-release';
  db.prepare('UPDATE plans SET plan = ? WHERE id = ?').run(JSON.stringify(doc), row.id);
  db.close();
  const r = await ferry(['--json', 'status', 'local', '--root', host.root, '--store', dbPath, '--from-store']);
  const error = (JSON.parse(r.out) as { error: { code: string; message: string } }).error;
  assert.equal(error.code, 'DOCUMENT_INVALID', error.message);
  assert.ok(error.message.includes(`the Ferry store, plan ${row.id}`) && error.message.includes('/steps/4/options/install: must be array'), error.message);
});
