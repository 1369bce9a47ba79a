// Issue 15 item 1 on the lab: the transaction of the vendor swap and distro-sync is predicted by the host's
// dnf before the swap; a third-party package requiring centos-logos (erased by the swap) and one pinned to
// the source's openssl-libs build (erased by distro-sync --allowerasing) stop the migration before the point
// of no return, naming why; approved with --allow-remove they go, recorded with the operator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnlessTools } from '../support/shared.js';
import { isFerryError } from '../../src/core/index.js';
import { migrate, migrationStatus, rollback } from '../../src/app/migrate.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { openFerryStore } from '../../src/app/store.js';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ferry } from './cli.js';
import { stateDirFor } from '../../src/exec/journal.js';
import { verifyHost } from '../../src/exec/verify.js';
import { readEvidence } from '../../src/exec/verify-documents.js';
import { packageSet, sh, THIRD_PARTY, useLab } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm');
const labOf = useLab(skip);

/** Where dnf and rpm write on a host: the test's listing of what must not change. */
const WRITTEN_BY_DNF = ['var/lib/dnf', 'var/lib/rpm', 'var/log', 'var/cache/dnf', 'etc', 'var/tmp', 'tmp'];
/**
 * sqlite's WAL index of the rpm database: every reader records its read marks there (`rpm -qa` alone, as the
 * planning's fact scan does, changes its mtime); the database and its WAL are compared.
 */
const READER_FILES = new Set(['var/lib/rpm/rpmdb.sqlite-shm']);

/** A recursive listing (path, type, mode, size, mtime in ns) of the directories dnf and rpm write below `root`. */
function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    let st;
    try {
      st = lstatSync(join(root, rel), { bigint: true });
    } catch {
      out.push(`${rel} absent`);
      return;
    }
    out.push(`${rel} ${st.isDirectory() ? 'd' : st.isFile() ? 'f' : 'o'} ${(st.mode & 0o7777n).toString(8)} ${st.size} ${st.mtimeNs}`);
    if (st.isDirectory()) for (const n of readdirSync(join(root, rel)).sort()) if (!READER_FILES.has(`${rel}/${n}`)) walk(`${rel}/${n}`);
  };
  for (const d of WRITTEN_BY_DNF) walk(d);
  return out;
}

interface DryRunJson { result: { status: string; wouldRun: { title: string; transaction?: { packages: { action: string; name: string }[]; stops: boolean; removals: { name: string; verdict: string; because?: string }[] } }[] } }

test('migrate --dry-run prints the transaction dnf predicts, with the two unannounced removals and why the migration would stop; --allow-remove shows them approved; nothing on the host changes', { skip }, async () => {
  const d = await labOf().distro('opencloudos-8');
  const host = await labOf().host({ from: 'centos-8', localPackages: THIRD_PARTY });
  const common = ['local', '--root', host.root, '--to', 'opencloudos-8', '--repo', `opencloudos-8=${d.repoDir}`, '--nogpgcheck', '--dry-run'];
  try {
    const before = listing(host.root);
    const packages = packageSet(host.root, host.env);
    assert.ok(before.some((l) => l.startsWith('var/lib/dnf/history.sqlite ')), 'the lab root has a dnf history the listing watches');

    const text = await ferry(['migrate', ...common]);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /^Transaction dnf predicts for "Swap vendor packages[^"]*" \(the vendor swap, then distro-sync\): \d+ package\(s\), 8 leaving the rpm database$/m);
    assert.match(text.out, /^ {2}remove {4}acme-branding-1\.0-1\.noarch .* NOT APPROVED: requires centos-logos, provided by centos-logos, which the transaction removes; the migration would stop here$/m);
    assert.match(text.out, /^ {2}remove {4}acme-legacy-ssl-2\.0-1\.x86_64 .* NOT APPROVED: requires openssl-libs = 1:1\.1\.1c-15\.el8, provided by openssl-libs, which the transaction has upgraded to 1:1\.1\.1c-15\.oc8; the migration would stop here$/m);
    assert.match(text.out, /^ {2}upgrade {3}openssl-libs-1:1\.1\.1c-15\.oc8\.x86_64 /m);
    assert.match(text.out, /^ {2}install {3}opencloudos-release-/m);
    assert.match(text.out, /^ {2}remove {4}centos-release-.* announced by the plan$/m);
    assert.match(text.out, /The migration would stop here, before the vendor swap: --allow-remove acme-branding --allow-remove acme-legacy-ssl approves the removals/);
    assert.deepEqual(listing(host.root), before, 'the dry run changed what dnf or rpm write on the host');

    const json = await ferry(['--json', 'migrate', ...common, '--allow-remove', 'acme-branding', '--allow-remove', 'acme-legacy-*']);
    assert.equal(json.code, 0, json.err);
    const res = JSON.parse(json.out) as DryRunJson;
    assert.equal(res.result.status, 'dry-run');
    const tx = res.result.wouldRun.find((w) => w.transaction)?.transaction;
    assert.ok(tx, 'the swap step carries the predicted transaction');
    assert.equal(tx.stops, false);
    assert.deepEqual(tx.removals.filter((r) => r.name.startsWith('acme-')).map((r) => [r.name, r.verdict]), [['acme-branding', 'approved'], ['acme-legacy-ssl', 'approved']]);
    assert.ok(tx.packages.some((p) => p.action === 'upgrade' && p.name === 'openssl-libs'));
    assert.deepEqual(listing(host.root), before, 'the dry run with approvals changed the host');
    assert.deepEqual(packageSet(host.root, host.env), packages);
    assert.deepEqual(readdirSync(host.root).filter((n) => n.startsWith('ferry-dnf.')), [], 'the private directory is removed');
  } finally {
    host.dispose();
  }
});

test('unannounced removals stop the migration before the swap with their reasons; --allow-remove lets them go, journaled with the operator', { skip }, async () => {
  const d = await labOf().distro('opencloudos-8');
  const host = await labOf().host({ from: 'centos-8', localPackages: THIRD_PARTY });
  const transport = createLocalTransport({ root: host.root });
  try {
    const before = packageSet(host.root, host.env);
    const opts = { transport, target: 'opencloudos-8', repos: [`opencloudos-8=${d.repoDir}`], gpgcheck: false };
    await assert.rejects(migrate(opts), (e: unknown) => {
      assert.ok(isFerryError(e, 'TRANSACTION_UNAPPROVED'), String(e));
      assert.match(e.message, /acme-branding-1\.0-1 \(requires centos-logos, provided by centos-logos, which the transaction removes\)/);
      assert.match(e.message, /acme-legacy-ssl-2\.0-1 \(requires openssl-libs = 1:1\.1\.1c-15\.el8, provided by openssl-libs, which the transaction has upgraded to 1:1\.1\.1c-15\.oc8\)/);
      assert.deepEqual(e.details?.packages, ['acme-branding', 'acme-legacy-ssl']);
      return true;
    });
    assert.deepEqual(packageSet(host.root, host.env), before, 'nothing installed or removed');
    const st = await migrationStatus({ transport });
    assert.equal(st.status.ponrCrossed, false);
    assert.deepEqual(st.status.steps.filter((s) => s.state === 'failed').map((s) => s.kind), ['swap-vendor-packages']);

    // The refusal's way out: roll back the steps before the swap, then migrate again with approvals.
    await rollback({ transport });
    // One approval is not enough: the other still stops it.
    await assert.rejects(migrate({ ...opts, allowRemove: ['acme-branding'] }),
      (e: unknown) => isFerryError(e, 'TRANSACTION_UNAPPROVED') && !/acme-branding/.test(e.message) && /acme-legacy-ssl/.test(e.message));
    assert.deepEqual(packageSet(host.root, host.env), before);
    await rollback({ transport });

    const res = await migrate({ ...opts, allowRemove: ['acme-branding', 'acme-legacy-*'], by: 'alice' });
    assert.equal(res.result.status, 'completed');
    // dnf's cache of the target repository lives below the root (not in this machine's /var/cache/dnf).
    assert.ok(readdirSync(join(host.root, 'var/cache/dnf')).some((n) => /^ferry-opencloudos-8-0.*\.solv$/.test(n)), 'the solv cache is below the root');
    assert.ok(res.verify?.ok, JSON.stringify(res.verify?.checks));
    for (const n of ['acme-branding', 'acme-legacy-ssl']) assert.notEqual(sh(['rpm', '--root', host.root, '-q', n], host.env).status, 0, `${n} removed`);
    const swap = res.plan.steps.find((s) => s.kind === 'swap-vendor-packages');
    assert.deepEqual(swap?.kind === 'swap-vendor-packages' ? swap.options.allowRemove : undefined, ['acme-branding', 'acme-legacy-*'], 'recorded in the plan');
    const done = await migrationStatus({ transport });
    assert.deepEqual(done.status.overrides.map((o) => [o.findingKey, o.by]), [['allow-remove:acme-branding', 'alice'], ['allow-remove:acme-legacy-*', 'alice']]);
    const check = res.verify.packageSet;
    assert.ok(check?.ok && /7 removed/.test(check.detail) && /1 replaced/.test(check.detail), check?.detail);

    // A package erased behind Ferry's back fails verification.
    assert.equal(sh(['rpm', '--root', host.root, '-e', '--nodeps', 'lz4-libs'], host.env).status, 0);
    const verify = res.plan.steps.find((s) => s.kind === 'verify');
    assert.ok(verify?.kind === 'verify');
    const stateDir = stateDirFor(res.result.executionId);
    const evidence = await readEvidence(transport, stateDir);
    assert.ok(evidence);
    const again = await verifyHost({ transport, stateDir, verify: verify.options, before: evidence });
    assert.equal(again.ok, false);
    assert.match(again.packageSet?.detail ?? '', /removed without announcement or approval: lz4-libs-0:1\.8\.1\.2-4\.el8$/);
  } finally {
    await transport.close();
    host.dispose();
  }
});

test('ferry migrate (CLI) to rocky-8: the swap erasing a package requiring centos-logos is refused with TRANSACTION_UNAPPROVED; --allow-remove goes through, in the store with the operator', { skip }, async () => {
  const d = await labOf().distro('rocky-8');
  const host = await labOf().host({ from: 'centos-8', localPackages: [THIRD_PARTY[0]] });
  const storeDir = mkdtempSync(join(tmpdir(), 'ferry-store-'));
  const storePath = join(storeDir, 'ferry.db');
  const common = ['local', '--root', host.root, '--to', 'rocky-8', '--repo', `rocky-8=${d.repoDir}`, '--nogpgcheck', '--store', storePath];
  try {
    const refused = await ferry(['migrate', ...common, '--yes']);
    assert.equal(refused.code, 1, refused.err);
    assert.match(refused.err, /TRANSACTION_UNAPPROVED/);
    assert.match(refused.err, /acme-branding-1\.0-1 \(requires centos-logos, provided by centos-logos, which the transaction removes\)/);
    assert.match(refused.err, /--allow-remove acme-branding/);
    assert.equal(sh(['rpm', '--root', host.root, '-q', 'centos-release', 'acme-branding'], host.env).status, 0, 'nothing swapped or removed');
    assert.equal((await ferry(['rollback', ...common.slice(0, 3), '--store', storePath])).code, 0);
    const res = await ferry(['--json', 'migrate', ...common, '--yes', '--allow-remove', 'acme-branding']);
    assert.equal(res.code, 0, res.err);
    assert.ok((JSON.parse(res.out) as { verify?: { ok: boolean } }).verify?.ok);
    const executionId = readFileSync(join(host.root, 'var/lib/ferry/current'), 'utf8').split('\n')[0];
    const store = await openFerryStore(storePath);
    try {
      const overrides = (await store.listJournal(executionId)).filter((e) => e.event === 'override');
      assert.deepEqual(overrides.map((e) => e.event === 'override' && [e.findingKey, e.by]), [['allow-remove:acme-branding', process.env.USER ?? 'ferry']]);
    } finally {
      await store.close();
    }
  } finally {
    host.dispose();
    rmSync(storeDir, { recursive: true, force: true });
  }
});
