/**
 * The facts-section registry, in reading order (a section may read the facts of those before it: kernel,
 * gui and agents read the packages). The facts script runs their parts in this order too (the on-demand
 * ones only when asked for by name). A new section
 * is a module beside these (see section.ts) and one line here.
 */
import { agentsSection } from './agents.js';
import { bootSection } from './boot.js';
import { containerSection } from './container.js';
import { dependenciesSection } from './dependencies.js';
import { guiSection } from './gui.js';
import { kernelSection } from './kernel.js';
import { memorySection } from './memory.js';
import { modulesSection } from './modules.js';
import { mountsSection } from './mounts.js';
import { osSection } from './os.js';
import { packagesSection } from './packages.js';
import { releaseSection } from './release.js';
import { relationsSection } from './relations.js';
import { reposSection } from './repos.js';
import { rpmdbSection } from './rpmdb.js';
import type { FactsSection } from './section.js';
import { securitySection } from './security.js';
import { storageSection } from './storage.js';
import { systemSection } from './system.js';
import { workloadSection } from './workload.js';

export const FACTS_SECTION_REGISTRY: readonly FactsSection[] = [
  systemSection, osSection, releaseSection, packagesSection, relationsSection, dependenciesSection, rpmdbSection, reposSection, modulesSection, kernelSection,
  bootSection, securitySection, mountsSection, storageSection, memorySection, guiSection, containerSection, agentsSection,
  workloadSection,
];

export type { FactsSection, SectionInput, SectionRead } from './section.js';
