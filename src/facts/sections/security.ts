/** The security section: FIPS mode and SELinux (the running mode on a live host, the configured one in a root). */
import { keyValues } from '../parse-script.js';
import { parseSecurity } from '../parse-system.js';
import type { TriState } from '../types.js';
import { defineSection } from './section.js';

declare module '../types.js' { interface SectionFacts { security?: SecurityFacts } }

export interface SecurityFacts {
  fips: TriState;
  selinux?: 'enforcing' | 'permissive' | 'disabled' | 'unknown';
}

export const securitySection = defineSection({
  name: 'security',
  read: (input) => ({ value: parseSecurity(keyValues(input.output('security')?.body ?? ''), input.live) }),
  script: String.raw`
s_security() {
  if live && [ -r /proc/sys/crypto/fips_enabled ]; then echo "fips=$(cat /proc/sys/crypto/fips_enabled)"; fi
  [ -e "$R/etc/system-fips" ] && echo "system-fips=yes"
  if live && [ -r /sys/fs/selinux/enforce ]; then echo "enforce=$(cat /sys/fs/selinux/enforce)"; fi
  rp /etc/selinux/config; f=$P; [ -r "$f" ] && grep '^SELINUX=' "$f"
  true
}`,
});
