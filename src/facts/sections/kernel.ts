/** The kernel section: the running kernel, the installed kernel packages, loaded modules and taint (live hosts). */
import { compareEvr } from '../../rpm/evr.js';
import type { Nevra } from '../../rpm/types.js';
import { keyValues } from '../parse-script.js';
import { decodeTainted, parseProcModules } from '../parse-system.js';
import { defineSection, fileOf } from './section.js';

declare module '../types.js' { interface SectionFacts { kernel?: KernelFacts } }

/** Kernel package names whose installed versions are "installed kernels". */
export const KERNEL_PACKAGES = new Set(['kernel', 'kernel-core', 'kernel-uek', 'kernel-uek-core', 'kernel-rt', 'kernel-rt-core', 'kernel-lt', 'kernel-ml']);

export interface LoadedKernelModule {
  name: string;
  size: number;
  /** Taint flags from /proc/modules, e.g. "O" (out-of-tree), "E" (unsigned), "P" (proprietary). */
  taint: string;
  outOfTree: boolean;
  unsigned: boolean;
  proprietary: boolean;
}

export interface KernelFacts {
  /** uname -r of the running kernel; undefined for an offline root. */
  running?: string;
  /** uname -m. */
  machine?: string;
  /** Installed kernel packages (kernel, kernel-core, kernel-uek…), newest first. */
  installed: Nevra[];
  /** /proc/modules; empty for an offline root. */
  loadedModules: LoadedKernelModule[];
  /** /proc/sys/kernel/tainted decoded; undefined for an offline root. */
  tainted?: { value: number; flags: string[] };
}

export const kernelSection = defineSection({
  name: 'kernel',
  // An offline root still has installed kernels: the section reads, with no running kernel or modules.
  read(input) {
    const s = input.output('kernel');
    const installed = (input.facts.packages ?? []).filter((p) => KERNEL_PACKAGES.has(p.name))
      .map(({ name, epoch, version, release, arch }) => ({ name, epoch, version, release, arch }))
      .sort((a, b) => compareEvr(b, a));
    const kv = keyValues(input.output('system')?.body ?? '');
    const tainted = fileOf(s, '/proc/sys/kernel/tainted')?.trim();
    return {
      value: {
        ...(kv.kernel ? { running: kv.kernel } : {}),
        ...(kv.machine ? { machine: kv.machine } : {}),
        installed,
        loadedModules: input.live ? parseProcModules(fileOf(s, '/proc/modules') ?? '') : [],
        ...(tainted && /^\d+$/.test(tainted) ? { tainted: { value: Number(tainted), flags: decodeTainted(Number(tainted)) } } : {}),
      },
    };
  },
  script: String.raw`
s_kernel() {
  live || { na "offline root"; return 0; }
  cf /proc/modules; cf /proc/sys/kernel/tainted; true
}`,
});
