/**
 * The fault soak (`npm run bench -- faults --n=50 [--seed=S]`): N lab migrations, CentOS 8 → Rocky 8, each with
 * one fault injected at a point drawn from a seeded generator, then recovered by resume or rollback (drawn
 * too; a rollback refused past the point of no return is followed by resume, as an operator would). After
 * each run the host must be either migrated (status completed, verification passed, `rpm -Va` clean) or back
 * to its before state (package set, repo files and release files equal), with no host lock and no process
 * of the run left. Fault kinds:
 *   kill-boundary  ferry SIGKILLed at a step boundary (test/e2e/migrate-child.ts stalls there);
 *   kill-mid-step  ferry SIGKILLed at the K-th output line of the vendor swap or distro-sync (dnf is running);
 *   ssh-cut        every SSH session of the host's sshd killed at a step boundary or mid-step;
 *   disk-full      the filesystem of /var/lib/ferry (a 64 MiB tmpfs mounted there) filled at a step boundary.
 * Iteration i runs with seed S+i; `--seed=S+i --n=1` replays it alone (the failures print that command).
 * `--kind=KIND` draws only that kind. `--kind=route` is another run altogether: the route fault matrix of
 * faults-route.ts (CentOS 7 → Rocky 8 → Rocky 9 killed at every kill point its plan gives, each resumed).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createLab, type Lab, type LabHost, type LabSshHost } from '../../test/lab/lab.js';
import { cutSshSessions, fillDisk, hostSnapshot, runChild, sh } from '../../test/e2e/helpers.js';
import { migrate, migrationStatus, resume, rollback, type ProgressEvent } from '../../src/app/migrate.js';
import { FerryError } from '../../src/core/index.js';
import { createLocalTransport } from '../../src/transport/local.js';
import { connectSsh } from '../../src/transport/ssh.js';
import type { Transport } from '../../src/transport/index.js';
import { sharedPath } from '../../test/support/shared.js';
import { routeMatrix } from './faults-route.js';

const STEPS = 10;
/** The steps that run dnf and stream its output: the vendor swap and distro-sync. */
const OUTPUT_STEPS = [4, 6];
const KINDS = ['kill-boundary', 'kill-mid-step', 'ssh-cut', 'disk-full'] as const;
type Kind = typeof KINDS[number];
type Outcome = 'migrated' | 'rolled back' | 'inconsistent' | 'journal unusable' | 'recovery failed';

interface RunResult {
  seed: number;
  kind: Kind;
  point: string;
  recovery: string;
  /** False when the run ended before the injection point (the fault never happened). */
  injected: boolean;
  /** How the faulted run ended: `killed`, the error code it failed with, or `completed` (the fault did not stop it). */
  faulted: string;
  outcome: Outcome;
  leftovers: string[];
  detail?: string;
  ms: number;
}

/** mulberry32: a small seeded generator, so that a seed replays its iteration exactly. */
function generator(seed: number): { int(n: number): number; pick<T>(xs: readonly T[]): T } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { int, pick: (xs) => xs[int(xs.length)] };
}

/** A fault point: `start:N`, `end:N` or `output:N:K` (migrate-child.ts's stall syntax). */
function pointFor(kind: Kind, rng: ReturnType<typeof generator>): string {
  if (kind === 'kill-mid-step') return `output:${rng.pick(OUTPUT_STEPS)}:${1 + rng.int(3)}`;
  if (kind === 'ssh-cut' && rng.int(3) === 0) return `output:${rng.pick(OUTPUT_STEPS)}:${1 + rng.int(3)}`;
  // disk-full at the start of step 0 hits before the run wrote anything; from the end of step 0 on.
  return kind === 'disk-full' ? `${rng.pick(['start', 'end'])}:${1 + rng.int(STEPS - 1)}` : `${rng.pick(['start', 'end'])}:${rng.int(STEPS)}`;
}

/** An onProgress that calls `fire` once, at `point`. */
function atPoint(point: string, fire: () => void): { onProgress(e: ProgressEvent): void; fired(): boolean } {
  const [where, n, k] = point.split(':');
  let step = -1;
  let lines = 0;
  let done = false;
  return {
    onProgress(e) {
      if (done) return;
      if (e.scope === 'step') { step = e.step.index; lines = 0; }
      if (e.scope === 'output' && step === Number(n)) lines++;
      const hit = (e.scope === 'step' && e.step.index === Number(n) && e.phase === where) || (e.scope === 'output' && where === 'output' && step === Number(n) && lines === Number(k));
      if (hit) { done = true; fire(); }
    },
    fired: () => done,
  };
}

function connectLab(h: LabSshHost): Promise<Transport> {
  return connectSsh({ host: h.host, port: h.port, user: 'root', root: h.root, sshConfigPath: false,
    auth: { identityFiles: [h.privateKeyPath], agent: false }, knownHostsFiles: [h.knownHostsPath], keepaliveIntervalMs: 1000 });
}

/** Runs the migration with the fault hook; resolves with how it ended (an error before the fault is rethrown). */
async function faultedRun(t: Transport, repo: string, at: ReturnType<typeof atPoint>): Promise<string> {
  try {
    await migrate({ transport: t, target: 'rocky-8', repos: [repo], gpgcheck: false, onProgress: at.onProgress });
    return 'completed';
  } catch (e) {
    if (!at.fired()) throw e;
    return e instanceof FerryError ? e.code : 'internal error';
  }
}

const errorText = (e: unknown): string => e instanceof FerryError ? `${e.code}: ${e.message}` : String((e as Error)?.stack ?? e);

async function iteration(lab: Lab, seed: number, home: string): Promise<RunResult> {
  const started = performance.now();
  const rng = generator(seed);
  const kind = kindArg === undefined ? rng.pick(KINDS) : kindArg as Kind;
  const point = pointFor(kind, rng);
  const wantRollback = rng.int(2) === 1;
  const d = await lab.distro('rocky-8');
  const repo = d.repoDir;
  const ssh = kind === 'ssh-cut' ? await lab.sshHost({ from: 'centos-8' }) : undefined;
  const host: LabHost = ssh ?? await lab.host({ from: 'centos-8' });
  const before = hostSnapshot(host.root, host.env);
  const stateDir = join(host.root, 'var/lib/ferry');
  let mounted = false;
  let injected = false;
  let faulted = 'completed';
  let recovery = wantRollback ? 'rollback' : 'resume';
  const leftovers: string[] = [];
  let outcome: Outcome = 'inconsistent';
  let detail: string | undefined;
  try {
    // Inject.
    if (kind === 'kill-boundary' || kind === 'kill-mid-step') {
      const env = { ...process.env, HOME: home, FERRY_E2E_ROOT: host.root, FERRY_E2E_TARGET: 'rocky-8', FERRY_E2E_REPO: `rocky-8=${repo}`, FERRY_E2E_MODE: 'migrate' };
      const r = await runChild(env, point);
      injected = r.killed;
      if (r.killed) faulted = 'killed';
      if (!r.killed && !/DONE/.test(r.out)) throw new Error(`the migration failed without a fault: ${r.out.slice(-2000)}`);
    } else if (kind === 'ssh-cut') {
      assert(ssh);
      const t = await connectLab(ssh);
      const at = atPoint(point, () => { cutSshSessions(ssh.sshd.pid); });
      faulted = await faultedRun(t, repo, at);
      injected = at.fired();
      await t.close().catch(() => undefined);
    } else {
      mkdirSync(stateDir, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,mode=0755', 'tmpfs', stateDir]);
      mounted = true;
      const t = createLocalTransport({ root: host.root });
      const at = atPoint(point, () => fillDisk(join(stateDir, 'soak-filler')));
      faulted = await faultedRun(t, repo, at);
      injected = at.fired();
      rmSync(join(stateDir, 'soak-filler'), { force: true });
      await t.close();
    }

    // Recover.
    const t = ssh ? await connectLab(ssh) : createLocalTransport({ root: host.root });
    try {
      const st = await migrationStatus({ transport: t }).catch((e: unknown) => {
        if (e instanceof FerryError && e.code === 'NOT_FOUND') return undefined; // killed before the run recorded anything
        throw e;
      });
      if (st && st.status.state !== 'completed') {
        if (wantRollback) {
          try {
            await rollback({ transport: t });
          } catch (e) {
            if (!(e instanceof FerryError && e.code === 'ROLLBACK_PAST_PONR')) throw e;
            recovery = 'rollback refused past PONR → resume';
            await resume({ transport: t });
          }
        } else {
          await resume({ transport: t });
        }
      } else {
        recovery = st ? 'none (completed)' : 'none (nothing started)';
      }
      // Check.
      if (st) {
        const end = await migrationStatus({ transport: t });
        if (end.status.state === 'completed') {
          const va = sh(['rpm', '--root', host.root, '-Va'], host.env).stdout;
          outcome = end.verify?.ok && va === '' ? 'migrated' : 'inconsistent';
          if (outcome === 'inconsistent') detail = `completed but ${end.verify?.ok ? '' : 'verification failed; '}rpm -Va: ${va.slice(0, 500)}`;
        } else if (end.status.state === 'rolled-back') {
          const now = hostSnapshot(host.root, host.env);
          const differs = Object.keys({ ...before, ...now }).filter((k) => before[k] !== now[k]);
          outcome = differs.length === 0 ? 'rolled back' : 'inconsistent';
          if (differs.length) detail = `rolled back but differs in ${differs.join(', ')}`;
        } else {
          detail = `state ${end.status.state} after recovery`;
        }
      } else {
        const now = hostSnapshot(host.root, host.env);
        outcome = Object.keys(before).every((k) => before[k] === now[k]) ? 'rolled back' : 'inconsistent';
      }
    } catch (e) {
      outcome = e instanceof FerryError && e.code === 'JOURNAL_CORRUPT' ? 'journal unusable' : 'recovery failed';
      detail = errorText(e);
    } finally {
      await t.close().catch(() => undefined);
    }
    if (existsSync(join(stateDir, 'lock'))) leftovers.push('host lock');
    const procs = spawnSync('pgrep', ['-a', '-f', '--', host.root], { encoding: 'utf8' }).stdout.trim();
    if (procs) leftovers.push(`processes: ${procs.split('\n').join('; ')}`);
  } catch (e) {
    outcome = 'recovery failed';
    detail = `before recovery: ${errorText(e)}`;
  } finally {
    if (mounted) spawnSync('umount', ['-l', stateDir]);
    if (ssh) await ssh.stop(); else host.dispose();
  }
  return { seed, kind, point, recovery, injected, faulted, outcome, leftovers, ...(detail ? { detail } : {}), ms: performance.now() - started };
}

function assert(v: unknown): asserts v {
  if (!v) throw new Error('soak: impossible state');
}

function argValue(name: string): string | undefined {
  return process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const kindArg = argValue('kind');
if (kindArg !== undefined && kindArg !== 'route' && !(KINDS as readonly string[]).includes(kindArg)) {
  console.error(`--kind=${kindArg}: not a fault kind (route, ${KINDS.join(', ')})`);
  process.exit(2);
}
const N = Number(argValue('n') ?? process.env.FERRY_BENCH_FAULTS_N ?? 50);
const base = Number(argValue('seed') ?? Date.now() % 1_000_000);
if (spawnSync('sh', ['-c', 'command -v dnf && command -v rpmbuild && command -v createrepo_c && command -v setsid && command -v sshd && command -v mount']).status !== 0) {
  console.log('skipped: dnf, rpmbuild, createrepo_c, setsid, sshd or mount is not installed');
  process.exit(0);
}
const lab = await createLab();
const home = (await lab.host({ from: 'centos-8' })).env.HOME ?? '';
process.env.HOME = home;
if (kindArg === 'route') {
  if (!existsSync(sharedPath('leapp', 'pes-events.rocky.json'))) {
    console.log('skipped: ../shared/data/leapp/pes-events.rocky.json is absent');
    process.exit(0);
  }
  const only = argValue('only')?.split(',').map(Number);
  const over = argValue('over');
  if (over !== undefined && over !== 'sshd') {
    console.error(`--over=${over}: the route matrix runs on a local lab root, or --over=sshd`);
    process.exit(2);
  }
  const ok = await routeMatrix(lab, { ...(only ? { only } : {}), sshd: over === 'sshd' });
  await lab.close();
  process.exit(ok ? 0 : 1);
}
const results: RunResult[] = [];
const wall = performance.now();
for (let i = 0; i < N; i++) {
  const r = await iteration(lab, base + i, home);
  results.push(r);
  console.log(`${String(i + 1).padStart(3)}/${N} seed ${r.seed} ${r.kind.padEnd(13)} at ${r.point.padEnd(12)} ${r.injected ? `injected (run: ${r.faulted})` : 'not reached'}  ${r.recovery} → ${r.outcome}${r.leftovers.length ? ` LEFTOVER ${r.leftovers.join(', ')}` : ''} (${(r.ms / 1000).toFixed(1)} s)`);
}
await lab.close();

const count = (f: (r: RunResult) => boolean): number => results.filter(f).length;
console.log(`\nfault soak: ${N} runs in ${((performance.now() - wall) / 1000).toFixed(0)} s, seeds ${base}…${base + N - 1}`);
console.log('kind           runs  injected  migrated  rolled back  inconsistent  journal unusable  recovery failed  leftovers');
for (const k of KINDS) {
  const rs = results.filter((r) => r.kind === k);
  const c = (o: Outcome): number => rs.filter((r) => r.outcome === o).length;
  console.log(`${k.padEnd(13)} ${String(rs.length).padStart(5)} ${String(rs.filter((r) => r.injected).length).padStart(9)} ${String(c('migrated')).padStart(9)} ${String(c('rolled back')).padStart(12)} ${String(c('inconsistent')).padStart(13)} ${String(c('journal unusable')).padStart(17)} ${String(c('recovery failed')).padStart(16)} ${String(rs.filter((r) => r.leftovers.length).length).padStart(10)}`);
}
console.log(`runs ${N}, faults injected ${count((r) => r.injected)}, completed after resume ${count((r) => r.outcome === 'migrated')}, rolled back ${count((r) => r.outcome === 'rolled back')}, ` +
  `hosts inconsistent ${count((r) => r.outcome === 'inconsistent' || r.outcome === 'recovery failed')} (goal 0), journals unusable ${count((r) => r.outcome === 'journal unusable')} (goal 0), leftover locks/processes ${count((r) => r.leftovers.length > 0)} (goal 0)`);
const internal = count((r) => r.faulted === 'internal error');
console.log(`faulted runs ending in an internal error (not a FerryError) ${internal} (goal 0)`);
const bad = results.filter((r) => r.outcome === 'inconsistent' || r.outcome === 'journal unusable' || r.outcome === 'recovery failed' || r.leftovers.length || r.faulted === 'internal error');
for (const r of bad) console.log(`FAILED seed ${r.seed} (${r.kind} at ${r.point}, ${r.recovery}): ${r.outcome}${r.leftovers.length ? `; leftovers ${r.leftovers.join(', ')}` : ''}: ${r.detail ?? ''}\n  replay: npm run bench -- faults${kindArg ? ` --kind=${kindArg}` : ''} --seed=${r.seed} --n=1`);
process.exit(bad.length ? 1 : 0);
