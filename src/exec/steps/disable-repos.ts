/**
 * Disables the source distribution's repositories in files the vendor swap will not remove (a repo file
 * the user copied or edited, a vault mirror): `enabled=0` in each section whose id the catalog lists for
 * the source. Files owned by a package the swap removes are left to rpm. Registers each file first.
 */
import { posix } from 'node:path';
import { hostPath } from '../journal.js';
import { fileRestorable } from '../restorables.js';
import { defineStep } from '../runner.js';
import type { Step, StepContext } from '../types.js';
import { rpmArgv } from '../package-manager/index.js';
import { writeNote } from './notes.js';
import { disableReposKind, type DisableReposOptions } from '../../plan/steps/index.js';

/** Sets enabled=0 in the sections named; returns the new text, or undefined when nothing changes. */
export function disableSections(text: string, ids: Set<string>): string | undefined {
  const out: string[] = [];
  let current: string | undefined;
  let changed = false;
  let sawEnabled = false;
  const close = (): void => {
    if (current && ids.has(current) && !sawEnabled) { out.push('enabled=0'); changed = true; }
  };
  for (const line of text.split('\n')) {
    const sec = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (sec) { close(); current = sec[1]; sawEnabled = false; out.push(line); continue; }
    if (current && ids.has(current) && /^\s*enabled\s*=/.test(line)) {
      sawEnabled = true;
      if (!/^\s*enabled\s*=\s*0\s*$/.test(line)) { out.push('enabled=0'); changed = true; continue; }
    }
    out.push(line);
  }
  close();
  return changed ? out.join('\n') : undefined;
}

async function candidates(ctx: StepContext): Promise<{ path: string; text: string; owner: string }[]> {
  const { transport } = ctx;
  const ls = await transport.run(['sh', '-c', 'for f in "$1"/*.repo; do [ -f "$f" ] && basename "$f"; done; true', 'sh', hostPath(transport, '/etc/yum.repos.d')]);
  const out: { path: string; text: string; owner: string }[] = [];
  for (const name of ls.stdout.split('\n').filter(Boolean)) {
    const path = posix.join('/etc/yum.repos.d', name);
    const owner = await transport.run(rpmArgv(transport, '-qf', '--qf', '%{NAME}\\n', path));
    out.push({ path, text: (await transport.readFile(path)).toString('utf8'), owner: owner.code === 0 ? owner.stdout.trim() : '' });
  }
  return out;
}

export function disableReposStep(options: DisableReposOptions): Step<DisableReposOptions> {
  const ids = new Set(options.repoIds);
  return defineStep<DisableReposOptions>({
    ...disableReposKind.spec(options),
    describe: () => [`set enabled=0 for repo ids ${options.repoIds.join(', ')} in files no swapped package owns`],
    async apply(ctx) {
      const skipped: string[] = [];
      const disabled: string[] = [];
      for (const f of await candidates(ctx)) {
        const next = disableSections(f.text, ids);
        if (next === undefined) continue;
        if (options.ownedBySwap.includes(f.owner)) { skipped.push(`${f.path} (owned by ${f.owner}, removed by the swap)`); continue; }
        await ctx.register(fileRestorable(f.path));
        await ctx.transport.writeFile(f.path, next, { mode: 0o644 });
        disabled.push(f.path);
      }
      for (const s of skipped) ctx.output(`left to the swap: ${s}`);
      await writeNote(ctx, { disabled, skipped });
    },
    async verify(ctx) {
      const bad = (await candidates(ctx)).filter((f) => !options.ownedBySwap.includes(f.owner) && disableSections(f.text, ids) !== undefined);
      return { ok: bad.length === 0, detail: bad.map((f) => f.path).join(', ') };
    },
  });
}
