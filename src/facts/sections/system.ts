/** The system section: host name, base architecture (uname; an offline root's from its packages), machine-id, rpm's version. */
import { keyValues } from '../parse-script.js';
import { defineSection } from './section.js';
import { dominantArch, rpmQueryOf } from './packages.js';

declare module '../types.js' { interface SectionFacts { system?: SystemFacts } }

export interface SystemFacts {
  hostname?: string;
  /** Base architecture: uname -m, or the arch of installed packages for an offline source. */
  arch?: string;
  /** /etc/machine-id (machine-id(5): 32 lowercase hex digits), live or below the root; absent when the file is missing or empty. */
  machineId?: string;
}

export const systemSection = defineSection({
  name: 'system',
  read(input) {
    const kv = keyValues(input.output('system')?.body ?? '');
    // Without uname (an offline root), the packages' dominant arch.
    const packages = kv.machine ? undefined : rpmQueryOf(input).packages;
    const arch = kv.machine ?? (packages ? dominantArch(packages) : undefined);
    const machineId = kv.machineid?.trim();
    return { value: { ...(kv.hostname ? { hostname: kv.hostname } : {}), ...(arch ? { arch } : {}), ...(machineId ? { machineId } : {}) } };
  },
  script: String.raw`
s_system() {
  if live; then echo "hostname=$(uname -n)"; echo "kernel=$(uname -r)"; echo "machine=$(uname -m)"; fi
  rp /etc/machine-id; f=$P; if [ -f "$f" ] && [ -r "$f" ]; then echo "machineid=$(head -c 64 "$f")"; fi
}`,
});
