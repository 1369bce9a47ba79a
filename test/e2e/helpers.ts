/** Shared helpers of the migrate E2E tests: package sets, the by-hand recipe, child runs. */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, lstatSync, openSync, readFileSync, readdirSync, readlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { createLab, type Lab, type LabDistro, type LabHost, type LabSshHost } from '../lab/lab.js';
import { openStore, type Store } from '../../src/store/index.js';
import { assert, sha256Hex } from '../../src/core/index.js';
import type { SourceDef } from '../lab/model.js';

export function sh(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(args[0], args.slice(1), { env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Installed NEVRAs (gpg-pubkey excluded), sorted. */
export function packageSet(root: string, env: NodeJS.ProcessEnv): string[] {
  const r = sh(['rpm', '--root', root, '-qa', '--qf', '%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}\\n'], env);
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.split('\n').filter((l) => l && !l.startsWith('gpg-pubkey-')).sort();
}

/** The lab's own recipe (test/lab/lab.test.ts, after migrate2rocky): one dnf shell swap, then distro-sync. */
export function migrateByHand(host: LabHost, target: LabDistro, swap: { remove: string[]; install: string[] }): void {
  const script = join(host.root, '..', 'swap.dnf');
  writeFileSync(script, `remove ${swap.remove.join(' ')}\ninstall ${swap.install.join(' ')}\nrun\n`);
  const a = sh(['dnf', ...host.dnfArgs(target), '--setopt=protected_packages=', '--noautoremove', 'shell', script], host.env);
  if (a.status !== 0) throw new Error(a.stderr + a.stdout);
  const b = sh(['dnf', ...host.dnfArgs(target), 'distro-sync', '--allowerasing'], host.env);
  if (b.status !== 0) throw new Error(b.stderr + b.stdout);
}

/** What "identical to before" compares: package set, repo files, release files. */
export function hostSnapshot(root: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = { packages: packageSet(root, env).join('\n') };
  for (const f of readdirSync(join(root, 'etc/yum.repos.d')).sort()) out[`repo:${f}`] = readFileSync(join(root, 'etc/yum.repos.d', f), 'utf8');
  for (const f of ['etc/os-release', 'etc/redhat-release', 'etc/system-release', 'etc/centos-release', 'etc/issue']) {
    try { out[f] = readFileSync(join(root, f), 'utf8'); } catch { out[f] = '(absent)'; }
  }
  return out;
}

/** /etc as lines (type, mode, content hash or link target), so a difference is shown by path. */
function etcListing(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = `${rel}/${name}`;
      const st = lstatSync(join(root, r));
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out.push(`L ${r} -> ${readlinkSync(join(root, r))}`);
      else if (st.isDirectory()) { out.push(`D ${r} ${mode}`); walk(r); }
      else out.push(`F ${r} ${mode} ${sha256Hex(readFileSync(join(root, r)))}`);
    }
  };
  walk('etc');
  return out;
}

/** What must be as before the migration: the package set, /etc, and the rpm database's records (install times, digests). */
export function hostState(root: string, env: NodeJS.ProcessEnv): { packages: string[]; etc: string[]; rpmdb: string } {
  const db = sh(['rpm', '--root', root, '-qa', '--qf', '%{NEVRA} %{INSTALLTIME} %{SIGMD5} %{INSTALLCOLOR}\\n'], env);
  if (db.status !== 0) throw new Error(db.stderr);
  return { packages: packageSet(root, env), etc: etcListing(root), rpmdb: db.stdout.split('\n').sort().join('\n') };
}

/** Cuts every SSH session of a lab sshd: SIGKILLs its per-connection processes (the listener stays up). Returns how many. */
export function cutSshSessions(sshdPid: number): number {
  let out = '';
  try { out = execFileSync('pgrep', ['-P', String(sshdPid)], { encoding: 'utf8' }); } catch { return 0; } // pgrep exits 1 when none
  const kids = out.trim().split('\n').filter(Boolean);
  for (const k of kids) process.kill(Number(k), 'SIGKILL');
  return kids.length;
}

const CHILD = join(import.meta.dirname, 'migrate-child.ts');

/** Runs the child; with `stall`, SIGKILLs it once it reports STALLED. Resolves with its output. */
export function runChild(env: NodeJS.ProcessEnv, stall?: string): Promise<{ code: number | null; out: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...env, ...(stall ? { FERRY_E2E_STALL: stall } : {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let killed = false;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (!killed && out.includes('STALLED')) { killed = true; child.kill('SIGKILL'); }
    });
    child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    child.on('close', (code) => resolve({ code, out, killed }));
  });
}

/**
 * One lab for a test file, created before its tests (unless `skip`) and closed after them; HOME is set to
 * the lab's, since Debian's rpm takes %_dbpath from it. Returns a getter (the lab exists only once `before` ran).
 */
export function useLab(skip: string | false): () => Lab {
  let lab: Lab | undefined;
  before(async () => {
    if (skip) return;
    lab = await createLab();
    process.env.HOME = (await lab.host({ from: 'centos-8' })).env.HOME;
  });
  after(async () => { await lab?.close(); });
  return () => {
    assert(lab, 'the lab is used before it was created');
    return lab;
  };
}

export interface Worker { child: ChildProcess; log: () => string; done: Promise<number | null> }

/** `ferry worker --exit-when-idle` on a store as its own process (bin/ferry.js on the sources), so SIGKILL is a real death. */
export function startWorker(store: string, args: readonly string[]): Worker {
  const child = spawn(process.execPath, [join(import.meta.dirname, '../../bin/ferry.js'), 'worker', '--store', store, '--exit-when-idle', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FERRY_OPERATOR: 'e2e', FERRY_FROM_SOURCE: '1' } });
  let log = '';
  child.stdout.on('data', (c: Buffer) => { log += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { log += c.toString(); });
  return { child, log: () => log, done: new Promise((r) => child.on('close', (code) => r(code))) };
}

/** Fills the filesystem holding `file` (created) to the last byte: writes until ENOSPC, in ever smaller chunks. */
export function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const size of [1 << 16, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Issue 15's third-party packages: acme-branding requires centos-logos (erased by the vendor swap) and
 * acme-legacy-ssl is pinned to the lab's CentOS 8 openssl-libs 1:1.1.1c-15.el8 (distro-sync moves it to .oc8).
 */
export const THIRD_PARTY: SourceDef[] = [
  { name: 'acme-branding', version: '1.0', release: '1', arch: 'noarch', vendor: 'ACME Corp', license: 'MIT',
    binaries: [{ name: 'acme-branding', requires: ['centos-logos'], files: { '/opt/acme-branding/logo': 'acme\n' }, dirs: ['/opt/acme-branding'] }] },
  { name: 'acme-legacy-ssl', version: '2.0', release: '1', arch: 'x86_64', vendor: 'ACME Corp', license: 'MIT',
    binaries: [{ name: 'acme-legacy-ssl', requires: ['openssl-libs = 1:1.1.1c-15.el8'], files: { '/opt/acme-ssl/lib': 'acme\n' }, dirs: ['/opt/acme-ssl'] }] },
];

/**
 * Runs the real ferry CLI (argv after `ferry`) and SIGKILLs it once it says it waits for the host to come back
 * from a reboot (the reboot boundary); the stderr it wrote. Throws if it ended before being killed.
 */
export async function killAtRebootWait(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'ferry.js'), ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let err = '';
  const closed = new Promise<string | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve) => {
    child.stderr?.on('data', (c: Buffer) => { err += c.toString(); if (/waiting for .* to come back/.test(err)) resolve(); });
    void closed.then(() => resolve());
  });
  child.kill('SIGKILL');
  const signal = await closed;
  assert(signal === 'SIGKILL', `ferry ${argv[0]} ended before it waited for the host: ${err}`);
  return err;
}

/**
 * A fleet store at `path` (migrated) holding the lab's SSH hosts in group `web`, each with its connection and
 * `ferry_root`: named `${prefix}${i + 1}`, with `labels`. Open: the caller closes it.
 */
export async function labStore(path: string, hosts: readonly LabSshHost[], o: { prefix?: string; labels?: Record<string, string> } = {}): Promise<Store> {
  const store = openStore(path);
  await store.migrate();
  await store.upsertHosts(hosts.map((h, i) => ({
    name: `${o.prefix ?? 'web'}${i + 1}`, groups: ['web'], source: 'e2e', ...(o.labels ? { labels: o.labels } : {}),
    connection: { address: h.host, port: h.port, user: 'root', identityFile: h.privateKeyPath }, vars: { ferry_root: h.root },
  })));
  return store;
}
