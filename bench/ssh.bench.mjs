/* global performance, Buffer */
// SSH per-command latency: Ferry's SSH transport (ssh2, one connection) vs the OpenSSH client with
// ControlMaster multiplexing, both against the same lab sshd on 127.0.0.1 (test/lab/sshd.ts), both
// running N sequential `true` commands after a warm-up. Also times connect (handshake + auth + first
// command ready) for each, and Ferry's readFile/writeFile. Ferry is loaded from dist/ (npm run build);
// FERRY_BENCH_FROM_SRC=1 loads src/ through tsx instead (no build needed while iterating).
// Prints per-command ms (median and mean) for each and the ratio; target: Ferry <= 2x OpenSSH-mux
// and < 30 ms per command. Also prints the cost of the remote login shell's start-up as sshd does it,
// which every OpenSSH exec request pays (Ferry's runners pay it once per runner).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = resolve(import.meta.dirname, '..');
const N = Number(process.env.FERRY_BENCH_SSH_N ?? 50);
const CONNECTS = Number(process.env.FERRY_BENCH_SSH_CONNECTS ?? 5);
if (!existsSync('/usr/sbin/sshd') || spawnSync('sh', ['-c', 'command -v ssh && command -v ssh-keygen']).status !== 0) {
  console.log('skipped: sshd, ssh or ssh-keygen is not installed');
  process.exit(0);
}
const fromSrc = process.env.FERRY_BENCH_FROM_SRC === '1';
const ferryPath = fromSrc ? join(root, 'src', 'transport', 'index.ts') : join(root, 'dist', 'transport', 'index.js');
if (!existsSync(ferryPath)) {
  console.log(`skipped: ${ferryPath} is absent (run npm run build)`);
  process.exit(0);
}
const { connectSsh } = fromSrc ? await tsImport(ferryPath, import.meta.url) : await import(pathToFileURL(ferryPath).href);
const { startSshd, generateKeyPair, sshArgs } = await tsImport(join(root, 'test', 'lab', 'sshd.ts'), import.meta.url);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (xs) => `median ${median(xs).toFixed(2)} ms, mean ${mean(xs).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms`;

async function timeEach(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-ssh-'));
const key = generateKeyPair(dir, 'client');
const sshd = await startSshd({ authorizedKeys: [key.publicKey], dir: join(dir, 'sshd') });
const control = join(dir, 'cm-%C');
const base = sshArgs(sshd, key);
const target = base[base.length - 1];
const opts = base.slice(0, -1);
const mux = ['-o', 'ControlMaster=auto', '-o', `ControlPath=${control}`, '-o', 'ControlPersist=60'];
const ferryOpts = {
  host: '127.0.0.1', port: sshd.port, user: 'root', sshConfigPath: false,
  knownHostsFiles: [sshd.knownHostsPath], auth: { identityFiles: [key.privateKeyPath], agent: false },
};

function openssh(extra, argv) {
  const r = spawnSync('ssh', [...opts, ...extra, target, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`ssh ${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
}

try {
  // Connect: a fresh OpenSSH connection running `true` (no multiplexing) vs Ferry's connectSsh + close.
  const sshConnect = await timeEach(CONNECTS, () => openssh([], ['true']));
  const ferryConnect = await timeEach(CONNECTS, async () => { const t = await connectSsh(ferryOpts); await t.close(); });

  // Per command, OpenSSH multiplexed: the first call starts the master (ControlPersist keeps it).
  openssh(mux, ['true']);
  openssh(mux, ['true']);
  const sshRun = await timeEach(N, () => openssh(mux, ['true']));
  spawnSync('ssh', [...opts, ...mux, '-O', 'exit', target], { stdio: 'ignore' });

  // Per command, Ferry: one transport, sequential awaits.
  const t = await connectSsh(ferryOpts);
  let ferryRun; let ferryRead; let ferryWrite; let ferryExists;
  try {
    for (let i = 0; i < 3; i++) await t.run(['true']);
    ferryRun = await timeEach(N, async () => {
      const r = await t.run(['true']);
      if (r.code !== 0) throw new Error(`true exited ${r.code}`);
    });
    const file = join(dir, 'payload');
    const payload = Buffer.alloc(4096, 7);
    ferryWrite = await timeEach(N, () => t.writeFile(file, payload));
    ferryRead = await timeEach(N, async () => {
      const b = await t.readFile(file);
      if (b.length !== payload.length) throw new Error('short read');
    });
    ferryExists = await timeEach(N, () => t.exists(file));
  } finally {
    await t.close();
  }
  const accepted = (sshd.log().match(/Accepted publickey/g) ?? []).length;
  // What every exec request pays on the host before the command runs: sshd starts the login shell, and
  // bash started by sshd (SSH_CLIENT set, SHLVL unset) sources ~/.bashrc. Same user, same machine.
  const shell = spawnSync('getent', ['passwd', 'root'], { encoding: 'utf8' }).stdout.trim().split(':')[6] || '/bin/sh';
  const loginShell = await timeEach(5, () => {
    spawnSync('env', ['-i', `HOME=${process.env.HOME ?? '/root'}`, `SHELL=${shell}`, 'SSH_CLIENT=127.0.0.1 1 22', shell, '-c', 'true'],
      { stdio: 'ignore', cwd: process.env.HOME ?? '/' });
  });

  console.log(`sshd: OpenSSH on 127.0.0.1:${sshd.port}; N=${N} sequential commands after warm-up; ` +
    `Ferry loaded from ${fromSrc ? 'src (tsx)' : 'dist'}; ${accepted} connections accepted in total`);
  console.log(`connect  openssh (fresh, no mux, runs true)  ${fmt(sshConnect)}`);
  console.log(`connect  ferry connectSsh + close           ${fmt(ferryConnect)}`);
  console.log(`login    ${shell} -c true as sshd starts it   ${fmt(loginShell)} (paid by every exec request)`);
  console.log(`run      openssh ControlMaster (true)       ${fmt(sshRun)}`);
  console.log(`run      ferry run(['true'])                 ${fmt(ferryRun)}`);
  console.log(`file     ferry writeFile 4 KiB               ${fmt(ferryWrite)}`);
  console.log(`file     ferry readFile 4 KiB                ${fmt(ferryRead)}`);
  console.log(`file     ferry exists                        ${fmt(ferryExists)}`);
  const ratio = median(ferryRun) / median(sshRun);
  const met = ratio <= 2 && median(ferryRun) < 30;
  console.log(`ratio ferry/openssh-mux per command: ${ratio.toFixed(2)}x (median; target <= 2x and < 30 ms: ${met ? 'met' : 'NOT met'})`);
} finally {
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
}
