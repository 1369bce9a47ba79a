/**
 * `ferry repo` documents and their text renderers: what a repository holds (info) and what it answers
 * (query). Every string read from repository metadata (location, revision, data types, NEVRAs, module and
 * stream names, advisory types, provides) is escaped for the terminal: a hostile repository is data.
 */
import { escapeTerminal as t } from './escape.js';

export interface RepoInfo {
  location: string;
  revision?: string;
  dataTypes: string[];
  packages: number;
  /** Distinct source rpms the binary packages come from. */
  sourceRpms: number;
  /** Packages of arch `src` in the repository itself. */
  sourcePackages: number;
  arches: Record<string, number>;
  newest: { nevra: string; buildTime?: string }[];
  modules?: { streams: number; modules: number; defaults: number; byModule: Record<string, string[]> };
  advisories?: { count: number; byType: Record<string, number>; bySeverity: Record<string, number>; cves: number };
  groups?: { groups: number; environments: number; categories: number };
  /** Data types repomd lists whose file could not be read. */
  unreadable?: string[];
}

/** One package a repository query matched. */
export interface QueryResult {
  nevra: string;
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
  provides?: string[];
}

const counts = (r: Record<string, number>): string => Object.entries(r).map(([k, v]) => `${t(k)} ${v}`).join(', ');

export function renderRepoInfo(i: RepoInfo): string {
  const lines = [
    `repository   ${t(i.location)}`,
    `revision     ${t(i.revision ?? '—')}${/^\d{9,10}$/.test(i.revision ?? '') ? ` (${new Date(Number(i.revision) * 1000).toISOString().slice(0, 10)})` : ''}`,
    `metadata     ${i.dataTypes.map(t).join(', ')}`,
    `packages     ${i.packages}${i.packages ? ` (${counts(i.arches)})` : ''}`,
    `source rpms  ${i.sourceRpms}${i.sourcePackages ? `, and ${i.sourcePackages} source packages` : ''}`,
    `arches       ${Object.keys(i.arches).map(t).join(', ') || '—'}`,
  ];
  if (i.unreadable) lines.push(`unreadable   ${i.unreadable.map(t).join(', ')} (listed in repomd.xml, file missing)`);
  if (i.groups) lines.push(`groups       ${i.groups.groups} groups, ${i.groups.environments} environments, ${i.groups.categories} categories`);
  if (i.modules) {
    const list = Object.entries(i.modules.byModule).map(([n, s]) => `${t(n)}:${s.map(t).join('/')}`).join(' ');
    lines.push(`modules      ${i.modules.modules} modules, ${i.modules.streams} streams, ${i.modules.defaults} defaults`, `             ${list}`);
  }
  if (i.advisories) {
    const a = i.advisories;
    lines.push(`advisories   ${a.count} (${counts(a.byType)}; severity ${counts(a.bySeverity)}; ${a.cves} CVEs)`);
  }
  if (i.newest.length > 0) {
    lines.push(`newest builds`);
    for (const n of i.newest) lines.push(`  ${n.buildTime?.slice(0, 10) ?? '          '}  ${t(n.nevra)}`);
  }
  return lines.join('\n');
}

export function renderRepoQuery(list: QueryResult[]): string {
  if (list.length === 0) return 'no packages match';
  return list.map((r) => (r.provides ? `${t(r.nevra)}\n${r.provides.map((p) => `  ${t(p)}`).join('\n')}` : t(r.nevra))).join('\n');
}
