/** The boot section: firmware mode (UEFI or BIOS) and Secure Boot (mokutil, else the SecureBoot efivar). Live hosts only. */
import { keyValues } from '../parse-script.js';
import { parseBoot } from '../parse-system.js';
import type { TriState } from '../types.js';
import { defineSection } from './section.js';

declare module '../types.js' { interface SectionFacts { boot?: BootFacts } }

export type BootMode = 'uefi' | 'bios' | 'unknown';

export interface BootFacts {
  mode: BootMode;
  secureBoot: TriState;
  /** How secureBoot was learned: mokutil, efivars, or none. */
  secureBootSource?: 'mokutil' | 'efivars';
}

export const bootSection = defineSection({
  name: 'boot',
  notApplicable: true,
  read: (input) => ({ value: parseBoot(keyValues(input.output('boot')?.body ?? '')) }),
  script: String.raw`
s_boot() {
  live || { na "offline root"; return 0; }
  if [ -d /sys/firmware/efi ]; then echo "mode=uefi"; else echo "mode=bios"; fi
  if command -v mokutil >/dev/null 2>&1; then echo "mokutil=$(mokutil --sb-state 2>&1 | head -n 1)"; fi
  for f in /sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e98c2a2d8cb5; do
    [ -r "$f" ] && echo "efivar=$(od -An -tu1 "$f" | tr -s ' \n' '  ')"
  done
  true
}`,
});
