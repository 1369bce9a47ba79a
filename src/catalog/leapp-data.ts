/**
 * The Leapp data of a cross-major path as the operator meets it (catalog leappData): what `--pes` they pass, and
 * the refusal of events whose path has no repomap. The one wording for plan's PES_REQUIRED hint and `ferry
 * catalog paths`, and the one rule for plan, rollouts and assess.
 */
import { FerryError } from '../core/index.js';
import type { Catalog } from './load.js';

/**
 * REPOMAP_REQUIRED for PES events on a cross-major path the catalog has no Leapp repomap for, given without one
 * beside them (PES_INVALID when the file beside them is not a Leapp repomap), or null: Leapp stops without a
 * repomap (repositoriesmapping: "The repository mapping file not found"), so Ferry does not guess which target
 * repository an event's packages come from. The one answer for plan, rollouts (unplannablePath) and assess.
 */
export function repoMapRefusal(catalog: Pick<Catalog, 'leappData'>, from: string, to: string, beside: { repoMap?: unknown; repoMapProblem?: string }): FerryError | null {
  if (catalog.leappData(from, to).repoMap) return null;
  if (beside.repoMapProblem !== undefined) return new FerryError('PES_INVALID', `${from} → ${to} takes the repomap beside its PES events (the catalog has none for the path): ${beside.repoMapProblem}`);
  if (beside.repoMap) return null;
  return new FerryError('REPOMAP_REQUIRED', `${from} → ${to}: the catalog has no Leapp repomap for this path and none lies beside the PES events given, so which target repository an event's packages come from is unknown`, {
    hint: `Put the repomap.json of ${to}'s Leapp data beside the events file, named repomap.json (Leapp keeps both in /etc/leapp/files); Leapp stops without one too.`,
  });
}

/**
 * What the operator passes as --pes for a cross-major path, from the catalog's Leapp data (leappData): the
 * vendor's events file it knows of, or that it knows none and the operator's file must carry the repomap beside it.
 */
export function leappDataText(catalog: Pick<Catalog, 'leappData'>, from: string, to: string): string {
  const d = catalog.leappData(from, to);
  const pes = d.pes ? `the vendor's pes-events.json (${[d.pes.id, d.pes.repo && `${d.pes.repo}@${d.pes.commit ?? '?'}`, d.pes.path && `../shared/data/${d.pes.path}`].filter(Boolean).join(', ')})`
    : `an operator's file in Leapp's pes-events.json format (the catalog's sources have no PES events of ${to})`;
  const map = d.repoMap ? `repomap: the catalog's (${d.repoMap.source})` : 'repomap: the operator\'s repomap.json beside that file, as Leapp keeps both in /etc/leapp/files (the catalog has none for this path)';
  return `${pes}; ${map}`;
}
