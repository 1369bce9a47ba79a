/**
 * `--pes` as every command reads it: `[TARGET=]FILE`, one events file a target (or a route's hop), a bare FILE for
 * every cross-major one without its own. The one reading of the flag for assess, plan, migrate and rollouts.
 */
import { FerryError } from '../core/index.js';
import type { Catalog } from '../catalog/index.js';

/**
 * `--pes` values: `TARGET=FILE` (TARGET one of the assessed targets: its vendor's own events) or `FILE` (every
 * cross-major target without its own). A prefix that is no catalog release is part of the file name.
 */
export function pesSpecs(catalog: Pick<Catalog, 'hasRelease'>, targets: readonly string[], pes: string | readonly string[] | undefined): { target: string | null; file: string }[] {
  const specs = pes === undefined ? [] : typeof pes === 'string' ? [pes] : pes;
  const out = specs.map((spec) => {
    const eq = spec.indexOf('=');
    const target = eq > 0 ? spec.slice(0, eq) : '';
    if (target && catalog.hasRelease(target)) {
      if (!targets.includes(target)) throw new FerryError('PES_UNUSED', `--pes ${spec}: ${target} is not one of the assessed targets (${targets.join(', ')})`, { hint: `add ${target} to --to, or drop that --pes` });
      return { target, file: spec.slice(eq + 1) };
    }
    return { target: null, file: spec };
  });
  for (const key of new Set(out.map((s) => s.target))) {
    if (out.filter((s) => s.target === key).length > 1) throw new FerryError('USAGE', `--pes given twice for ${key ?? 'every target'}`, { hint: 'one events file per target (TARGET=FILE) and at most one for the others' });
  }
  return out;
}

/**
 * `--pes` as plan and migrate read it, as assess does (pesSpecs, the one reading of the flag): `TARGET=FILE`
 * names the hop landing on TARGET, a bare FILE serves every cross-major hop without its own. A file no hop
 * takes is PES_UNUSED: never silently ignored (a direct path's planMigration refuses it itself).
 *
 * `scope: 'fleet'`: the files are a rollout's, given for all its hosts (rollout create refused one no host
 * takes): this host's route takes the files of its cross-major hops, and leaves the others out.
 */
export function pesByTarget(catalog: Pick<Catalog, 'hasRelease'>, flags: readonly string[], route: { targets: readonly string[]; crossMajor: readonly string[] }, scope?: 'fleet'): Record<string, string> {
  const mine = scope === 'fleet' ? flags.filter((f) => { const t = f.slice(0, Math.max(0, f.indexOf('='))); return !(t && catalog.hasRelease(t)) || route.crossMajor.includes(t); }) : flags;
  const specs = pesSpecs(catalog, route.targets, mine);
  const out: Record<string, string> = {};
  for (const s of specs) if (s.target !== null) out[s.target] = s.file;
  const shared = specs.find((s) => s.target === null)?.file;
  if (shared === undefined) return out;
  const takers = route.crossMajor.filter((t) => out[t] === undefined);
  // One hop: its path decides (planMigration's PES_UNUSED for a path that is not cross-major).
  if (route.targets.length === 1 && scope !== 'fleet') return { [route.targets[0]]: shared };
  if (takers.length === 0) {
    if (scope === 'fleet') return out;
    throw new FerryError('PES_UNUSED', `--pes ${shared} was given, but every cross-major hop (${route.crossMajor.join(', ') || 'none'}) has its own events file`, { hint: 'Drop that --pes.' });
  }
  for (const t of takers) out[t] = shared;
  return out;
}
