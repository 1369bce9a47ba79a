/** Read-only bind mounts for the tests of read-only hosts (a mounted image, a read-only /var/lib). Root only. */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/** For node:test's `skip` option: false when this process may bind-mount, else the reason. */
export function skipUnlessCanMount(): false | string {
  return process.getuid?.() === 0 ? false : 'needs root to bind-mount a directory read-only';
}

/** Bind-mounts `dir` read-only over itself (created when missing); returns the unmount. */
export function mountReadOnly(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  for (const args of [['--bind', dir, dir], ['-o', 'remount,ro,bind', dir]]) {
    const r = spawnSync('mount', args, { encoding: 'utf8' });
    if (r.status !== 0) {
      spawnSync('umount', [dir]);
      throw new Error(`mount ${args.join(' ')}: ${r.stderr}`);
    }
  }
  return () => { spawnSync('umount', [dir]); };
}

/** Runs `fn` with `dir` bind-mounted read-only over itself; unmounted after, whatever `fn` does. */
export async function withReadOnly<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const unmount = mountReadOnly(dir);
  try {
    return await fn();
  } finally {
    unmount();
  }
}
