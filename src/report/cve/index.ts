/**
 * Renderers of exposure (src/vuln/exposure.ts): text for a person, CycloneDX 1.6 vulnerabilities (a VEX
 * BOM whose components are the host's packages) for scanners and dashboards. Every rendering names the
 * feed, its date and what it covers; a host no feed covers says "not covered" and prints no count.
 */
import { SEVERITIES, type Severity } from '../../vuln/types.js';
import type { Exposure, FleetExposure } from '../../vuln/exposure.js';
import { escapeTerminal } from '../escape.js';
import { cyclonedxComponent, serialNumberOf } from '../sbom/cyclonedx.js';
import type { SbomModel } from '../sbom/model.js';

export function renderExposureText(e: Exposure): string {
  const lines = [`${escapeTerminal(e.host)}: ${e.coverage === 'not-covered' ? 'NOT COVERED' : e.coverage === 'successor-fixes' ? 'open on CentOS (successor fixes)' : 'exposure'}`,
    `  feed: ${e.feed.name} from ${escapeTerminal(e.feed.source)}, newest advisory ${e.feed.date.slice(0, 10)}, covers ${e.feed.covers.distro} ${e.feed.covers.release}, lists ${e.feed.lists}`,
    `  ${escapeTerminal(e.note)}`];
  if (!e.totals) return lines.join('\n') + '\n';
  const t = e.totals;
  lines.push(`  ${t.advisories} advisories, ${t.cves} CVEs, ${t.packages} packages`);
  lines.push(`  by severity: ${SEVERITIES.filter((s) => s !== 'unknown' || t.bySeverity.unknown.advisories > 0).map((s) => `${s} ${t.bySeverity[s].advisories} (${t.bySeverity[s].cves} CVEs)`).join(', ')}`);
  lines.push(`  fix installable from the enabled repositories: ${t.installable.yes} yes, ${t.installable.no} no, ${t.installable.unknown} unknown${e.repositories ? ` (${escapeTerminal(e.repositories)})` : ''}`);
  if (e.packages.length) {
    lines.push('  packages:');
    for (const p of e.packages) {
      lines.push(`    ${p.worst.padEnd(9)} ${escapeTerminal(`${p.name}.${p.arch}`)} ${escapeTerminal(p.installed)} → ${p.fixedIn} (${p.advisories.length} advisories, ${p.cves.length} CVEs; installable: ${p.installable}${p.available ? `, repositories have ${p.available}` : ''})`);
    }
  }
  return lines.join('\n') + '\n';
}

const CDX_SEVERITY: Readonly<Record<Severity, string>> = { critical: 'critical', important: 'high', moderate: 'medium', low: 'low', unknown: 'unknown' };

/**
 * CycloneDX 1.6 with `vulnerabilities`: one entry per CVE (an advisory without CVEs: per advisory id),
 * affecting the components (by bom-ref) that have not taken its fix, with the advisory as the source and the
 * fixed-in EVR as the recommendation. Vendor severities map to CycloneDX's scale (Important → high).
 */
export function renderExposureCycloneDx(e: Exposure, m: SbomModel): Record<string, unknown> {
  const refOf = new Map(m.components.map((c) => [`${c.name}.${c.arch}\0${c.epoch ? `${c.epoch}:` : ''}${c.version}-${c.release}`, c.key]));
  const byPkg = new Map(e.packages.map((p) => [`${p.name}.${p.arch}`, p]));
  const vulns = new Map<string, { severity: Severity; advisories: Map<string, string | undefined>; refs: Set<string>; fixed: Set<string> }>();
  for (const a of e.advisories) {
    for (const id of a.cves.length ? a.cves : [a.id]) {
      const v = vulns.get(id) ?? { severity: a.severity, advisories: new Map<string, string | undefined>(), refs: new Set<string>(), fixed: new Set<string>() };
      v.advisories.set(a.id, a.url);
      for (const pk of a.packages) {
        const p = byPkg.get(pk);
        const ref = p && refOf.get(`${pk}\0${p.installed}`);
        if (ref) v.refs.add(ref);
        if (p) v.fixed.add(`${pk} ${p.fixedIn}`);
      }
      vulns.set(id, v);
    }
  }
  const vulnerabilities = [...vulns].filter(([, v]) => v.refs.size > 0).map(([id, v]) => ({
    'bom-ref': `vuln:${id}`,
    id,
    source: { name: e.feed.name },
    ratings: [{ source: { name: e.feed.name }, severity: CDX_SEVERITY[v.severity], method: 'other' }],
    // CycloneDX requires an advisory's url: advisories without one are named in the description.
    advisories: [...v.advisories].filter(([, url]) => url).sort().map(([title, url]) => ({ title, url })),
    description: `fixed by ${[...v.advisories.keys()].sort().join(', ')}`,
    recommendation: `install ${[...v.fixed].sort().join(', ')} or later`,
    affects: [...v.refs].sort().map((ref) => ({ ref })),
  }));
  return {
    bomFormat: 'CycloneDX', specVersion: '1.6',
    serialNumber: serialNumberOf(JSON.stringify(['vex', e.host, e.feed.id, e.feed.date, m.collectedAt])),
    version: 1,
    metadata: {
      timestamp: m.collectedAt.replace(/\.\d+Z$/, 'Z'),
      tools: { components: [{ type: 'application', name: 'ferry', version: m.toolVersion }] },
      component: { type: 'operating-system', 'bom-ref': `host:${m.hostName}`, name: m.system ?? m.hostName },
      properties: [
        { name: 'ferry:feed', value: `${e.feed.name} (${e.feed.source}), newest ${e.feed.date}` },
        { name: 'ferry:coverage', value: `${e.coverage}: ${e.note}` },
      ],
    },
    components: m.components.map(cyclonedxComponent),
    vulnerabilities,
  };
}

export function renderFleetExposureText(f: FleetExposure): string {
  const t = f.totals;
  const lines = [`fleet exposure: ${t.hosts} hosts, ${t.covered} covered, ${t.notCovered} not covered, ${t.noFacts} without stored facts`,
    ...f.feeds.map((x) => `  feed: ${x.name}, newest ${x.date.slice(0, 10)}, covers ${x.covers.distro} ${x.covers.release}, lists ${x.lists}`),
    `  over covered hosts: ${t.advisories} advisories, ${t.cves} distinct CVEs`];
  if (f.topAdvisories.length) {
    lines.push('  advisories open on the most hosts:');
    for (const a of f.topAdvisories) lines.push(`    ${a.severity.padEnd(9)} ${a.id}  ${a.hosts} hosts, ${a.cves} CVEs`);
  }
  lines.push('  hosts:');
  for (const h of f.hosts) {
    lines.push(h.advisories === undefined
      ? `    ${escapeTerminal(h.host)}: ${h.coverage === 'no-facts' ? 'no stored facts' : 'NOT COVERED'}${h.note ? ` (${escapeTerminal(h.note)})` : ''}`
      : `    ${escapeTerminal(h.host)}: ${h.advisories} advisories, ${h.cves} CVEs (${h.critical} critical, ${h.important} important) [${h.coverage}]`);
  }
  return lines.join('\n') + '\n';
}
