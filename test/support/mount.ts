/** Read-only bind mounts for the tests of read-only hosts (a mounted image, a read-only /var/lib). Root only. */
import { spawnSync } from 'node:child_process';

/** For node:test's `skip` option: false when this process may bind-mount, else the reason. */
export function skipUnlessCanMount(): false | string {
  return process.getuid?.() === 0 ? false : 'needs root to bind-mount a directory read-only';
}

/** Runs `fn` with `dir` bind-mounted read-only over itself; unmounted after, whatever `fn` does. */
export async function withReadOnly<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  for (const args of [['--bind', dir, dir], ['-o', 'remount,ro,bind', dir]]) {
    const r = spawnSync('mount', args, { encoding: 'utf8' });
    if (r.status !== 0) {
      spawnSync('umount', [dir]);
      throw new Error(`mount ${args.join(' ')}: ${r.stderr}`);
    }
  }
  try {
    return await fn();
  } finally {
    spawnSync('umount', [dir]);
  }
}
