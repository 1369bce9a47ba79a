/**
 * Test fixture (tests only): a small host tree and a plan of real steps that change it through a
 * local-with-root transport and register each kind of built-in restorable before mutating. Every apply
 * appends its step id to `counterFile` (outside the root) so tests can count how often it ran.
 */
import { appendFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { sha256Hex } from '../../core/index.js';
import { hostPath, runChecked, writeCurrentExecution } from '../journal.js';
import { commandRestorable, dirRestorable, fileRestorable } from '../restorables.js';
import { defineStep, runPlan } from '../runner.js';
import { runDetached, type DetachedResult } from '../package-manager/index.js';
import { createLocalTransport } from '../../transport/local.js';
import type { PlanLike, Step, StepContext } from '../types.js';

/** Creates a CentOS-shaped miniature tree under `root`. */
export function makeFixtureRoot(root: string): void {
  mkdirSync(join(root, 'etc/yum.repos.d'), { recursive: true });
  mkdirSync(join(root, 'var/lib'), { recursive: true }); // as on a real host, so only var/lib/ferry is new
  writeFileSync(join(root, 'etc/os-release'), 'NAME="CentOS Linux"\nVERSION_ID="8"\n', { mode: 0o644 });
  writeFileSync(join(root, 'etc/yum.repos.d/CentOS-Base.repo'), '[baseos]\nbaseurl=http://mirror.centos.org/\n', { mode: 0o644 });
  writeFileSync(join(root, 'etc/yum.repos.d/CentOS-Extras.repo'), '[extras]\nenabled=0\n', { mode: 0o640 });
  writeFileSync(join(root, 'etc/issue.centos'), 'CentOS Linux 8\n', { mode: 0o644 });
  symlinkSync('issue.centos', join(root, 'etc/issue'));
}

/**
 * The one file a reader of the rpm database writes: sqlite's WAL index (readers record their read marks in it;
 * `rpm -qa` alone changes it). What read-only tests leave out of treeHash; the rpmdb itself is compared.
 */
export const RPMDB_READER_FILES = ['var/lib/rpm/rpmdb.sqlite-shm'];

/** A content hash of the tree below root (types, modes, bytes, link targets), ignoring Ferry's state dir. */
export function treeHash(root: string, ignore: string[] = ['var/lib/ferry']): string {
  const lines: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (ignore.includes(r)) continue;
      const st = lstatSync(join(root, r));
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) lines.push(`L ${r} -> ${readlinkSync(join(root, r))}`);
      else if (st.isDirectory()) { lines.push(`D ${r} ${mode}`); walk(r); }
      else lines.push(`F ${r} ${mode} ${sha256Hex(readFileSync(join(root, r)))}`);
    }
  };
  walk('');
  return sha256Hex(lines.join('\n'));
}

export interface FixtureOptions {
  counterFile: string;
  /** Index of a step whose apply stalls half-way (after its first mutation) via `onStall`. */
  stallMidStep?: number;
  onStall?: () => void;
  /** Index of a step whose apply throws after registering its restorables and mutating. */
  failStep?: number;
}

function count(o: FixtureOptions, ctx: StepContext): void {
  appendFileSync(o.counterFile, `${ctx.step.id}\n`);
}

async function readText(ctx: StepContext, path: string): Promise<string | undefined> {
  return (await ctx.transport.exists(path)) ? (await ctx.transport.readFile(path)).toString('utf8') : undefined;
}

export function buildFixturePlan(o: FixtureOptions): PlanLike {
  const stall = (index: number): void => { if (o.stallMidStep === index) o.onStall?.(); };
  const fail = (index: number): void => { if (o.failStep === index) throw new Error(`injected failure in step ${index}`); };
  const writeFileStep = (index: number, path: string, content: string, extra: Partial<Step> = {}): Step =>
    defineStep({
      kind: 'test.write-file',
      options: { path, content },
      title: `write ${path}`,
      ...extra,
      async apply(ctx) {
        count(o, ctx);
        await ctx.register(fileRestorable(path));
        await ctx.transport.writeFile(path, content, { mode: 0o644 });
        stall(index);
        fail(index);
      },
      async verify(ctx) { return (await readText(ctx, path)) === content; },
      async isApplied(ctx) { return (await readText(ctx, path)) === content; },
    });

  const steps: Step[] = [
    writeFileStep(0, '/etc/os-release', 'NAME="Rocky Linux"\nVERSION_ID="8.9"\n'),
    defineStep({
      kind: 'test.swap-repos',
      options: { dir: '/etc/yum.repos.d', remove: ['CentOS-Base.repo', 'CentOS-Extras.repo'], add: 'Rocky-BaseOS.repo' },
      title: 'swap repo files',
      async apply(ctx) {
        count(o, ctx);
        await ctx.register(dirRestorable('/etc/yum.repos.d'));
        for (const f of ['CentOS-Base.repo', 'CentOS-Extras.repo']) {
          await runChecked(ctx.transport, ['rm', '-f', hostPath(ctx.transport, posix.join('/etc/yum.repos.d', f))], 'rm');
        }
        stall(1);
        fail(1);
        await ctx.transport.writeFile('/etc/yum.repos.d/Rocky-BaseOS.repo', '[baseos]\nmirrorlist=https://mirrors.rockylinux.org/\n', { mode: 0o644 });
      },
      async verify(ctx) {
        return (await ctx.transport.exists('/etc/yum.repos.d/Rocky-BaseOS.repo')) && !(await ctx.transport.exists('/etc/yum.repos.d/CentOS-Base.repo'));
      },
    }),
    writeFileStep(2, '/etc/ferry-new-file', 'created by a step\n'),
    defineStep({
      kind: 'test.relink-issue',
      options: { link: '/etc/issue', target: 'issue.rocky' },
      title: 'point /etc/issue at issue.rocky',
      async apply(ctx) {
        count(o, ctx);
        await ctx.register(fileRestorable('/etc/issue.rocky'));
        await ctx.register(fileRestorable('/etc/issue'));
        await ctx.transport.writeFile('/etc/issue.rocky', 'Rocky Linux 8\n', { mode: 0o644 });
        stall(3);
        fail(3);
        await runChecked(ctx.transport, ['ln', '-sfnT', 'issue.rocky', hostPath(ctx.transport, '/etc/issue')], 'ln');
      },
    }),
    defineStep({
      kind: 'test.touch-marker',
      options: { path: '/etc/ferry-marker' },
      title: 'touch a marker with a command',
      async apply(ctx) {
        count(o, ctx);
        const p = hostPath(ctx.transport, '/etc/ferry-marker');
        await ctx.register(commandRestorable({ key: 'marker', description: 'remove /etc/ferry-marker', command: { op: 'remove', path: '/etc/ferry-marker' } }));
        await runChecked(ctx.transport, ['sh', '-c', 'printf "marker\\n" > "$1" && chmod 644 "$1"', 'sh', p], 'marker');
        stall(4);
        fail(4);
      },
    }),
    writeFileStep(5, '/etc/ferry-ponr', 'past the point of no return\n', { pointOfNoReturn: true, title: 'point of no return' }),
    writeFileStep(6, '/etc/ferry-after-ponr', 'after\n'),
  ];
  return { id: 'plan-fixture', steps };
}

/**
 * Leaves a detached transaction running on a fixture root under `root`, as a Ferry killed during the vendor
 * swap leaves it: the execution's swap step registers /etc/os-release and starts a detached run (the real
 * machinery: setsid, flock) that rewrites it after `seconds`, without waiting for it; the next step fails,
 * so the execution is ready to roll back while the run still goes. `current` names the execution.
 */
export async function leaveTransactionRunning(o: { root: string; seconds: number; executionId: string }): Promise<{ root: string; run: Promise<DetachedResult>; title: string }> {
  makeFixtureRoot(o.root);
  const transport = createLocalTransport({ root: o.root });
  mkdirSync(join(o.root, 'var/lib/ferry'), { recursive: true });
  await writeCurrentExecution(transport, o.executionId);
  let run: Promise<DetachedResult> | undefined;
  const swap = defineStep({
    kind: 'test.swap', options: { seconds: o.seconds }, title: 'swap the release package',
    async apply(ctx) {
      await ctx.register(fileRestorable('/etc/os-release'));
      const file = hostPath(ctx.transport, '/etc/os-release');
      run = runDetached(ctx, ['sh', '-c', `sleep ${o.seconds}; echo 'NAME="Rocky Linux"' > "${file}"`], 'swap');
      await new Promise((r) => setTimeout(r, 200)); // the run has started and holds its lock
    },
  });
  const fail = defineStep({ kind: 'test.fail', options: {}, title: 'fail', async apply() { throw new Error('interrupted'); } });
  await runPlan({ plan: { id: 'plan-tx', steps: [swap, fail] }, transport, executionId: o.executionId }).then(
    () => { throw new Error('Assertion failed: the fixture plan must fail'); }, () => undefined);
  if (!run) throw new Error('Assertion failed: the swap step started no run');
  return { root: o.root, run, title: swap.title };
}
