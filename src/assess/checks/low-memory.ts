/**
 * Memory against the target's documented need: the catalog path's `resources.memoryMiB` (installed memory,
 * e.g. OpenCloudOS documents 2 GB) or `resources.freeMemoryMiB` (free memory), else Leapp's checkmemory minimum per architecture (oamg/leapp-repository,
 * repos/system_upgrade/common/actors/checkmemory/libraries/checkmemory.py: x86_64 1.5 GiB, aarch64 2 GiB,
 * ppc64le 2 GiB, s390x 1 GiB) as the conservative default, said so in the finding.
 * Leapp's minimum and "minimum 2 GB memory" are about installed memory (MemTotal); a need documented as free
 * memory (centos-8 → opencloudos-8: "free memory greater than 500 MB") is about MemAvailable, when the host
 * reports it: a large host whose memory is all in use fails that requirement.
 */
import type { Check } from '../types.js';
import { factsAbsent } from './util.js';

export const LEAPP_MIN_MEMORY_MIB: Record<string, number> = { x86_64: 1536, aarch64: 2048, ppc64le: 2048, s390x: 1024 };
const DEFAULT_ARCH = 'x86_64';

export const lowMemory: Check = {
  id: 'low-memory',
  description: 'Installed memory meets the target\'s documented minimum',
  notAssessed: (input) => (input.facts.memory ? undefined : factsAbsent(input, 'memory', 'memory size (/proc/meminfo)')),
  run(input) {
    const mem = input.facts.memory;
    if (!mem) return [];
    const path = input.path;
    const documented = path?.resources?.freeMemoryMiB ?? path?.resources?.memoryMiB;
    const arch = input.facts.system?.arch ?? DEFAULT_ARCH;
    const needMiB = documented?.value ?? LEAPP_MIN_MEMORY_MIB[arch] ?? LEAPP_MIN_MEMORY_MIB[DEFAULT_ARCH];
    const basis = documented?.value
      ? `the documented need for ${path?.from} → ${input.target.id} (${documented.note ?? documented.source})`
      : `a conservative default (Leapp's minimum for ${arch}); the catalog has no figure for this path`;
    const free = path?.resources?.freeMemoryMiB?.value !== undefined && mem.availableKiB !== undefined;
    const totalMiB = Math.floor(mem.totalKiB / 1024);
    const haveMiB = free ? Math.floor((mem.availableKiB ?? 0) / 1024) : totalMiB;
    if (haveMiB >= needMiB) return [];
    return [{
      key: 'low-memory', check: 'low-memory', severity: 'high', groups: ['inhibitor', 'hardware'],
      title: `Not enough ${free ? 'free ' : ''}memory: ${haveMiB} MiB, ${needMiB} MiB needed`,
      summary: free
        ? `The host has ${haveMiB} MiB of memory available (MemAvailable, of ${totalMiB} MiB installed); ${needMiB} MiB free is needed, per ${basis}.`
        : `The host has ${haveMiB} MiB of memory; ${needMiB} MiB is needed, per ${basis}.`,
      remediation: {
        hint: free ? `Free at least ${needMiB - haveMiB} MiB (stop memory-hungry services) or add memory before migrating.`
          : `Add memory (at least ${needMiB - haveMiB} MiB more) before migrating.`,
        commands: [['free', '-m']],
      },
      details: { totalMiB, ...(free ? { availableMiB: haveMiB } : {}), measured: free ? 'available' : 'total', neededMiB: needMiB,
        source: documented?.value ? documented.source : 'default:leapp-checkmemory' },
    }];
  },
};
