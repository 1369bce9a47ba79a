/** SBOMs of a host's installed packages: the model, its three formats and the before/after diff. */
import { FerryError } from '../../core/index.js';
import type { HostFacts } from '../../facts/index.js';
import { renderCycloneDx } from './cyclonedx.js';
import { SBOM_FORMATS, sbomModelOf, type SbomFormat, type SbomModel } from './model.js';
import { renderSpdx23 } from './spdx-2.3.js';
import { renderSpdx3 } from './spdx-3.js';

export { SBOM_FORMATS, sbomModelOf, type SbomComponent, type SbomFormat, type SbomModel } from './model.js';
export { diffSboms, type SbomDiff } from './diff.js';
export { renderCycloneDx, cyclonedxComponent, serialNumberOf } from './cyclonedx.js';
export { mapRpmLicense } from './license.js';
export { rpmPurl } from './purl.js';

export function isSbomFormat(s: string): s is SbomFormat {
  return (SBOM_FORMATS as readonly string[]).includes(s);
}

/** The SBOM document of a model in one format. */
export function renderSbom(m: SbomModel, format: SbomFormat): Record<string, unknown> {
  switch (format) {
    case 'spdx-2.3': return renderSpdx23(m);
    case 'spdx-3.0': return renderSpdx3(m);
    case 'cyclonedx-1.6': return renderCycloneDx(m);
  }
}

/** The model of facts that must have packages: SBOM_NO_PACKAGES naming the host otherwise. */
export function requireSbomModel(facts: HostFacts, o: { hostName: string; toolVersion: string }): SbomModel {
  const m = sbomModelOf(facts, o);
  if (!m) {
    throw new FerryError('SBOM_NO_PACKAGES', `the facts of ${o.hostName} hold no installed packages (${JSON.stringify(facts.sections.packages ?? 'packages not read')})`,
      { hint: 'collect the host again (ferry fleet collect, or ferry sbom HOST), or check that rpm -qa works there' });
  }
  return m;
}
