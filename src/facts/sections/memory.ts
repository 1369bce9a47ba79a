/** The memory section: /proc/meminfo's totals. Live hosts only. */
import { parseMeminfo } from '../parse-system.js';
import { defineSection, fileOf } from './section.js';

export interface MemoryFacts {
  totalKiB: number;
  availableKiB?: number;
  swapTotalKiB?: number;
}

declare module '../types.js' {
  interface SectionFacts { memory?: MemoryFacts }
}

export const memorySection = defineSection({
  name: 'memory',
  notApplicable: true,
  script: String.raw`
s_memory() { live || { na "offline root"; return 0; }; cf /proc/meminfo; }`,
  read(input) {
    const m = parseMeminfo(fileOf(input.output('memory'), '/proc/meminfo') ?? '');
    return m ? { value: m } : { error: 'no MemTotal in /proc/meminfo' };
  },
});
