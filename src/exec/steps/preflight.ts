/**
 * Pre-flight: enough free space where the catalog says the conversion needs it, no process holding the
 * rpm database lock, and the target repositories reachable (dnf makecache through the private config).
 * Changes nothing but dnf's metadata cache.
 */
import { FerryError } from '../../core/index.js';
import { hostPath } from '../journal.js';
import { defineStep } from '../runner.js';
import type { Step } from '../types.js';
import { runDnf, type DnfEnv } from './dnf.js';

export type PreflightOptions = { diskMiB: Record<string, number>; dnf: DnfEnv };

export function preflightStep(options: PreflightOptions): Step<PreflightOptions> {
  return defineStep<PreflightOptions>({
    kind: 'preflight',
    title: 'Pre-flight: disk space, rpm lock, target repositories reachable',
    options,
    describe: () => [
      ...Object.entries(options.diskMiB).map(([p, mib]) => `check ${mib} MiB free below ${p}`),
      'check no process holds the rpm database lock',
      `dnf makecache for ${options.dnf.repos.map((r) => r.id).join(', ')}`,
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
      const lockFile = hostPath(transport, '/var/lib/rpm/.rpm.lock');
      const lock = await transport.run(['sh', '-c', '[ ! -e "$1" ] || flock -n -x "$1" true', 'sh', lockFile]);
      if (lock.code !== 0) {
        throw new FerryError('STEP_FAILED', `The rpm database on ${transport.hostName} is locked by another process (${lockFile})`, { hint: 'Wait for the running rpm/dnf/yum to finish, then run ferry resume.' });
      }
      await runDnf(ctx, options.dnf, ['makecache'], 'makecache');
    },
  });
}
