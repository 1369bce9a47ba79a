/** The memory section: /proc/meminfo's totals. Live hosts only. */
import { parseMeminfo } from '../parse-system.js';
import { defineSection, fileOf } from './section.js';

declare module '../types.js' { interface SectionFacts { memory?: MemoryFacts } }

export interface MemoryFacts {
  totalKiB: number;
  availableKiB?: number;
  swapTotalKiB?: number;
}

export const memorySection = defineSection({
  name: 'memory',
  notApplicable: true,
  read(input) {
    const m = parseMeminfo(fileOf(input.output('memory'), '/proc/meminfo') ?? '');
    return m ? { value: m } : { error: 'no MemTotal in /proc/meminfo' };
  },
  script: String.raw`
s_memory() { live || { na "offline root"; return 0; }; cf /proc/meminfo; }`,
});
