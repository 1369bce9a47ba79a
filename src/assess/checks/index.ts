/** Every check, in report order. */
import type { Check } from '../types.js';
import { archMismatch } from './arch-mismatch.js';
import { container } from './container.js';
import { downgrades } from './downgrades.js';
import { erasedPackages } from './erased-packages.js';
import { fips } from './fips.js';
import { gui } from './gui.js';
import { i686Packages } from './i686-packages.js';
import { kernelModules } from './kernel-modules.js';
import { kernelNotLatest } from './kernel-not-latest.js';
import { lowDisk } from './low-disk.js';
import { lowMemory } from './low-memory.js';
import { managementAgents } from './management-agents.js';
import { missingPackages } from './missing-packages.js';
import { packageList } from './package-list.js';
import { rpmdb } from './rpmdb.js';
import { rpmdbConversion } from './rpmdb-conversion.js';
import { secureBoot } from './secure-boot.js';
import { thirdPartyPackages } from './third-party-packages.js';
import { thirdPartySonames } from './third-party-sonames.js';
import { unknownSource } from './unknown-source.js';
import { unsignedPackages } from './unsigned-packages.js';
import { unsupportedPath } from './unsupported-path.js';

export const CHECKS: readonly Check[] = [
  unknownSource, unsupportedPath, archMismatch, container, rpmdb, rpmdbConversion, managementAgents, lowMemory, lowDisk, secureBoot, fips,
  kernelModules, kernelNotLatest, gui, i686Packages, missingPackages, erasedPackages, downgrades, thirdPartyPackages, thirdPartySonames, unsignedPackages, packageList,
];
