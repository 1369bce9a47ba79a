// Ferry's store at fault during lab migrations. Held by another process (BEGIN EXCLUSIVE on the SQLite file,
// past its busy timeout): the run goes on with the host's journal as the record, refused store writes are
// queued; the end of the run names the store (STORE_UNAVAILABLE), and `status --store` mirrors the journal
// later. Damaged: STORE_CORRUPT before anything is written on the host. A new store file is 0600.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessTools } from '../support/shared.js';
import { migrate, migrationStatus } from '../../src/app/migrate.js';
import { openFerryStore } from '../../src/app/store.js';
import { isFerryError } from '../../src/core/index.js';
import { readJournal } from '../../src/exec/journal.js';
import { createLocalTransport } from '../../src/transport/local.js';
import type { ProgressEvent } from '../../src/core/index.js';
import { ferry } from './cli.js';
import { hostSnapshot, sh, useLab } from './helpers.js';

const skip = skipUnlessTools('rpmbuild', 'createrepo_c', 'modifyrepo_c', 'dnf', 'rpm', 'setsid', 'gpg');
const lab = useLab(skip);
const dir = mkdtempSync(join(tmpdir(), 'ferry-store-busy-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** A second process holding the store's write lock until its stdin closes; returns once it holds it. */
function holdWriteLock(path: string): ChildProcess {
  const marker = `${path}.held`;
  const holder = spawn(process.execPath, ['-e', `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(path)});
    db.exec('BEGIN EXCLUSIVE');
    require('node:fs').writeFileSync(${JSON.stringify(marker)}, '');
    process.stdin.on('end', () => { db.exec('COMMIT'); db.close(); process.exit(0); });
    process.stdin.resume();`], { stdio: ['pipe', 'inherit', 'inherit'], cwd: join(import.meta.dirname, '..', '..') });
  // onProgress is synchronous: wait here until the lock is taken.
  const deadline = Date.now() + 20_000;
  while (!existsSync(marker)) {
    if (Date.now() > deadline) throw new Error('the lock holder did not start');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  return holder;
}

test('store locked by another process mid-migration → the run completes on the host, STORE_UNAVAILABLE names the store; status --store mirrors the journal later', { skip }, async () => {
  const d = await lab().distro('rocky-8');
  const host = await lab().host({ from: 'centos-8' });
  const path = join(dir, 'ferry.db');
  const store = await openFerryStore(path);
  const transport = createLocalTransport({ root: host.root });
  let holder: ChildProcess | undefined;
  const lines: string[] = [];
  const onProgress = (e: ProgressEvent): void => {
    if (e.scope === 'step' && e.step.index === 2 && e.phase === 'start' && !holder) holder = holdWriteLock(path);
    if (e.scope === 'output') lines.push(e.message);
  };
  try {
    let executionId = '';
    await assert.rejects(migrate({ transport, target: 'rocky-8', repos: [d.repoDir], gpgcheck: false, onProgress, store, storeName: path }), (e: unknown) => {
      assert.ok(isFerryError(e, 'STORE_UNAVAILABLE'), String(e));
      assert.match(e.message, new RegExp(`^Ferry's store ${path.replace(/[.]/g, '\\.')} could not record \\d+ journal entries of execution (\\S+): .*locked`));
      executionId = /execution (\S+):/.exec(e.message)?.[1] ?? '';
      assert.match(e.hint ?? '', /journal on the host is complete.*ferry status HOST --store/);
      return true;
    });
    assert.ok(holder, 'the store was locked during the run');
    assert.ok(lines.some((l) => l.includes(`Ferry's store ${path} refuses writes`)), lines.join('\n'));
    // The host finished: the journal there is the record.
    const st = await migrationStatus({ transport });
    assert.equal(st.status.state, 'completed');
    assert.ok(st.verify?.ok, JSON.stringify(st.verify?.checks));
    // the host is what the journal says: migrated, every package rocky's or explained, rpm -Va clean
    assert.equal(sh(['rpm', '--root', host.root, '-q', 'rocky-release'], host.env).status, 0);
    assert.equal(sh(['rpm', '--root', host.root, '-Va'], host.env).stdout, '', 'rpm -Va clean');
    const onHost = await readJournal(transport, executionId);
    assert.deepEqual(onHost.slice(-1).map((e) => [e.event, e.event === 'execution' && e.phase === 'end' ? e.status : '']), [['execution', 'completed']]);
    assert.ok((await store.listJournal(executionId)).length < onHost.length, 'the store missed entries while locked');
    // Released: status with the store mirrors what it missed, each entry once.
    holder.stdin?.end();
    await new Promise((r) => holder?.once('exit', r));
    await migrationStatus({ transport, store, storeName: path });
    const mirrored = await store.listJournal(executionId);
    assert.deepEqual(mirrored.map((e) => e.seq), onHost.map((e) => e.seq));
    assert.equal((await store.getExecution(executionId))?.state, 'completed');
  } finally {
    holder?.kill();
    await store.close();
    await transport.close();
    host.dispose();
  }
});

test('a damaged store is STORE_CORRUPT naming it before anything is written on the host; a new store file is 0600', { skip }, async () => {
  const d = await lab().distro('rocky-8');
  const host = await lab().host({ from: 'centos-8' });
  const path = join(dir, 'damaged.db');
  const store = await openFerryStore(path);
  assert.equal(statSync(path).mode & 0o777, 0o600, 'the store file is private');
  for (let i = 0; i < 200; i++) await store.upsertHost({ name: `host${i}`, labels: { note: 'x'.repeat(200) } });
  await store.close();
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(3000, 0x41), 0, 3000, 3 * 4096 + 100); // a table page, not the header: the file still opens
  closeSync(fd);
  const before = hostSnapshot(host.root, host.env);
  try {
    const r = await ferry(['--json', 'migrate', 'local', '--root', host.root, '--to', 'rocky-8', '--repo', `rocky-8=${d.repoDir}`, '--nogpgcheck', '--yes', '--store', path]);
    assert.equal(r.code, 1, r.err + r.out);
    const e = JSON.parse(r.out) as { error: { code: string; message: string; hint?: string } };
    assert.equal(e.error.code, 'STORE_CORRUPT');
    assert.match(e.error.message, new RegExp(`^Ferry's store ${path.replace(/[.]/g, '\\.')} is damaged: `));
    assert.match(e.error.hint ?? '', /Nothing was done on any host/);
    assert.equal(existsSync(join(host.root, 'var/lib/ferry')), false, 'nothing was written on the host');
    assert.deepEqual(hostSnapshot(host.root, host.env), before);
  } finally {
    host.dispose();
  }
});
