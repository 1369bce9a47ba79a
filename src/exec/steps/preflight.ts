/**
 * Pre-flight: enough free space where the catalog says the conversion needs it, no process holding the
 * rpm database lock, and the target repositories reachable from the host. Changes nothing on the host
 * (at most dnf's metadata cache).
 *
 * Reachability is asked without starting dnf, the way an operator would check a mirror: each repository's
 * `repodata/repomd.xml` is read on the host (`test -r` for file://, `curl` for http/https/ftp). dnf is
 * started (`dnf makecache`) only for what that cannot answer: a baseurl with dnf variables ($releasever,
 * $basearch…) or a host without curl. The metadata itself is parsed by the plan's repo query before the
 * run, and by the swap's dnf; a repository that stops answering in between fails the swap, which
 * changes nothing before its transaction and is rolled back with the steps before it.
 */
import { FerryError } from '../../core/index.js';
import { hostPath } from '../journal.js';
import { defineStep } from '../runner.js';
import type { Step, StepContext } from '../types.js';
import { hostEnv, packageManagerFor, type PackageManagerEnv } from '../package-manager/index.js';
import { preflightKind, type PreflightOptions } from '../../plan/steps/index.js';

// Args: a list of repomd.xml locations. Exit 0: all readable; 3: one is not (its location and the error on
// stderr); 4: curl is missing (ask dnf instead).
const REPOMD = [
  'for u in "$@"; do',
  '  case "$u" in',
  '    /*) [ -r "$u" ] || { echo "$u: not readable" >&2; exit 3; } ;;',
  '    *) command -v curl >/dev/null 2>&1 || exit 4',
  '       curl -fsSL --max-time 120 -o /dev/null "$u" || { echo "$u: curl exit $?" >&2; exit 3; } ;;',
  '  esac',
  'done',
].join('\n');

/** True when every repository's repomd.xml is readable from the host; false when only dnf can tell. */
async function reposReachable(ctx: StepContext, env: PackageManagerEnv): Promise<boolean> {
  const urls: string[] = [];
  for (const r of hostEnv(ctx.transport, env).repos) { // a served repository: the URL the host reaches it at now
    const base = r.baseurl.replace(/\/+$/, '');
    if (base.includes('$')) return false;
    const file = /^file:\/\/(\/.*)$/.exec(base);
    if (file) urls.push(`${decodeURIComponent(file[1])}/repodata/repomd.xml`);
    else if (/^(https?|ftp):\/\//.test(base)) urls.push(`${base}/repodata/repomd.xml`);
    else return false;
  }
  const res = await ctx.transport.run(['sh', '-c', REPOMD, 'sh', ...urls], { timeoutMs: 600_000 });
  if (res.code === 4) return false;
  if (res.code !== 0) {
    throw new FerryError('STEP_FAILED', `The target repositories are not reachable from ${ctx.transport.hostName}: ${res.stderr.trim().slice(0, 500)}`, {
      hint: 'Check the --repo locations and the host\'s network, then run ferry resume.',
    });
  }
  ctx.output(`target repositories reachable: ${env.repos.map((r) => r.id).join(', ')}`);
  return true;
}

export function preflightStep(options: PreflightOptions): Step<PreflightOptions> {
  return defineStep<PreflightOptions>({
    ...preflightKind.spec(options),
    describe: () => [
      ...Object.entries(options.diskMiB).map(([p, mib]) => `check ${mib} MiB free below ${p}`),
      'check dnf is installed (CentOS 7: from its extras repository)',
      'check no process holds the rpm database lock',
      `check repodata/repomd.xml of ${options.dnf.repos.map((r) => r.id).join(', ')} is readable from the host (dnf makecache when only dnf can tell)`,
    ],
    async apply(ctx) {
      const { transport } = ctx;
      const short: string[] = [];
      for (const [path, mib] of Object.entries(options.diskMiB)) {
        const res = await transport.run(['df', '-Pk', hostPath(transport, path)]);
        const line = res.stdout.trim().split('\n')[1];
        if (res.code !== 0 || !line) continue; // the path does not exist on this host: nothing to fill
        const availKiB = Number(line.split(/\s+/)[3]);
        ctx.output(`${path}: ${Math.floor(availKiB / 1024)} MiB free, ${mib} MiB needed`);
        if (availKiB * 0.95 < mib * 1024) short.push(`${path} has ${Math.floor(availKiB / 1024)} MiB free, needs ${mib} MiB`);
      }
      if (short.length) throw new FerryError('STEP_FAILED', `Not enough disk space on ${transport.hostName}: ${short.join('; ')}`, { hint: 'Free space, then run ferry resume.' });
      const pm = packageManagerFor(options.dnf);
      await pm.require(transport);
      const lockFile = hostPath(transport, '/var/lib/rpm/.rpm.lock');
      const lock = await transport.run(['sh', '-c', '[ ! -e "$1" ] || flock -n -x "$1" true', 'sh', lockFile]);
      if (lock.code !== 0) {
        throw new FerryError('STEP_FAILED', `The rpm database on ${transport.hostName} is locked by another process (${lockFile})`, { hint: 'Wait for the running rpm/dnf/yum to finish, then run ferry resume.' });
      }
      if (!await reposReachable(ctx, options.dnf)) await pm.makecache(ctx, options.dnf);
    },
  });
}
