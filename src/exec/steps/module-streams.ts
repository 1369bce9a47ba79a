/**
 * Module streams: an enabled stream the target also offers stays enabled (distro-sync then syncs its
 * packages); one the target lacks is reset, so distro-sync moves its packages to the target's default
 * stream (the remap) instead of failing on an unsatisfiable module. Registers /etc/dnf/modules.d first.
 * Idempotent: a module whose stream is no longer enabled in /etc/dnf/modules.d is not reset again.
 */
import { posix } from 'node:path';
import { parseModuleFile } from '../../facts/index.js';
import { dirRestorable } from '../restorables.js';
import { defineStep } from '../runner.js';
import type { Step, StepContext } from '../types.js';
import { packageManagerFor } from '../package-manager/index.js';
import { writeNote } from './notes.js';
import { moduleStreamsKind, type ModuleStreamsOptions } from '../../plan/steps/index.js';

/** Streams the target repositories offer, as `name:stream`. */
function offered(ctx: StepContext, o: ModuleStreamsOptions): Promise<Set<string>> {
  return packageManagerFor(o.dnf).moduleStreams(ctx, o.dnf, o.modules.map((m) => m.name));
}

/** The module's current stream if /etc/dnf/modules.d says it is enabled. */
async function enabledStream(ctx: StepContext, name: string): Promise<string | undefined> {
  const file = posix.join('/etc/dnf/modules.d', `${name}.module`);
  if (!(await ctx.transport.exists(file))) return undefined;
  const states = parseModuleFile((await ctx.transport.readFile(file)).toString('utf8'), file);
  const s = states.find((m) => m.name === name);
  return s?.state === 'enabled' ? s.stream : undefined;
}

/** Modules still enabled at a stream the target does not offer. */
async function stillToReset(ctx: StepContext, o: ModuleStreamsOptions, have: Set<string>): Promise<{ name: string; stream: string }[]> {
  const out: { name: string; stream: string }[] = [];
  for (const m of o.modules) {
    if (have.has(`${m.name}:${m.stream}`)) continue;
    const now = await enabledStream(ctx, m.name);
    if (now !== undefined && !have.has(`${m.name}:${now}`)) out.push({ name: m.name, stream: now });
  }
  return out;
}

export function moduleStreamsStep(options: ModuleStreamsOptions): Step<ModuleStreamsOptions> {
  // What the target offers does not change during the step: apply and its verify ask dnf once.
  let asked: Promise<Set<string>> | undefined;
  const offeredOnce = (ctx: StepContext): Promise<Set<string>> => (asked ??= offered(ctx, options).catch((e: unknown) => { asked = undefined; throw e; }));
  return defineStep<ModuleStreamsOptions>({
    ...moduleStreamsKind.spec(options),
    changesPackages: true,
    // dnf module reset writes /etc/dnf/modules.d and dnf's own state, not the rpm database (no package changes).
    describe: () => options.modules.length ? [...options.modules.map((m) => `keep ${m.name}:${m.stream} if the target offers it, else reset`), 'the rpm database is not written (no package changes)'] : ['no enabled module stream'],
    async apply(ctx) {
      const have = await offeredOnce(ctx);
      const kept = options.modules.filter((m) => have.has(`${m.name}:${m.stream}`)).map((m) => `${m.name}:${m.stream}`);
      for (const k of kept) ctx.output(`kept ${k}: the target offers it`);
      const reset = await stillToReset(ctx, options, have);
      if (reset.length > 0) {
        await ctx.register(dirRestorable('/etc/dnf/modules.d'));
        await packageManagerFor(options.dnf).resetModules(ctx, options.dnf, reset.map((m) => m.name));
        for (const m of reset) ctx.output(`reset ${m.name}:${m.stream}: the target does not offer it; distro-sync moves it to the default stream`);
      }
      await writeNote(ctx, { kept, reset: reset.map((m) => `${m.name}:${m.stream}`) });
    },
    async verify(ctx) {
      if (options.modules.length === 0) return true;
      const left = await stillToReset(ctx, options, await offeredOnce(ctx));
      return { ok: left.length === 0, detail: left.length ? `still enabled at streams the target lacks: ${left.map((m) => `${m.name}:${m.stream}`).join(', ')}` : 'no enabled stream the target lacks' };
    },
  });
}
