/**
 * Module streams: an enabled stream the target also offers stays enabled (distro-sync then syncs its
 * packages); one the target lacks is reset, so distro-sync moves its packages to the target's default
 * stream (the remap) instead of failing on an unsatisfiable module. Registers /etc/dnf/modules.d first.
 */
import { dirRestorable } from '../restorables.js';
import { defineStep } from '../runner.js';
import type { Step, StepContext } from '../types.js';
import { dnfArgv, runDnf, writeNote, type DnfEnv } from './dnf.js';

export type ModuleStreamsOptions = { modules: { name: string; stream: string }[]; dnf: DnfEnv };

/** Streams the target repositories offer, as `name:stream`. */
async function offered(ctx: StepContext, o: ModuleStreamsOptions): Promise<Set<string>> {
  if (o.modules.length === 0) return new Set();
  const dnf = await dnfArgv(ctx, o.dnf);
  const res = await ctx.transport.run([...dnf, '-q', 'module', 'list', ...o.modules.map((m) => m.name)]);
  const out = new Set<string>();
  for (const line of res.stdout.split('\n')) {
    const m = /^(\S+)\s+(\S+)/.exec(line);
    if (m && o.modules.some((x) => x.name === m[1])) out.add(`${m[1]}:${m[2].replace(/\s*\[.*$/, '')}`);
  }
  return out;
}

export function moduleStreamsStep(options: ModuleStreamsOptions): Step<ModuleStreamsOptions> {
  return defineStep<ModuleStreamsOptions>({
    kind: 'module-streams',
    title: 'Reset or remap enabled module streams the target lacks',
    options,
    describe: () => options.modules.length ? options.modules.map((m) => `keep ${m.name}:${m.stream} if the target offers it, else reset`) : ['no enabled module stream'],
    async apply(ctx) {
      const have = await offered(ctx, options);
      const reset = options.modules.filter((m) => !have.has(`${m.name}:${m.stream}`));
      const kept = options.modules.filter((m) => have.has(`${m.name}:${m.stream}`)).map((m) => `${m.name}:${m.stream}`);
      for (const k of kept) ctx.output(`kept ${k}: the target offers it`);
      if (reset.length > 0) {
        await ctx.register(dirRestorable('/etc/dnf/modules.d'));
        await runDnf(ctx, options.dnf, ['module', 'reset', ...reset.map((m) => m.name)], 'module-reset');
      }
      await writeNote(ctx, { kept, reset: reset.map((m) => `${m.name}:${m.stream}`) });
    },
  });
}
