/** The gui section: the default systemd target (or inittab runlevel), the display manager and desktop packages. */
import { keyValues } from '../parse-script.js';
import { parseGui } from '../parse-system.js';
import { defineSection } from './section.js';

declare module '../types.js' { interface SectionFacts { gui?: GuiFacts } }

export interface GuiFacts {
  /** systemctl get-default, e.g. graphical.target. */
  defaultTarget?: string;
  /** The display manager service, from /etc/systemd/system/display-manager.service. */
  displayManager?: string;
  /** Installed display-manager / desktop packages found (gdm, kdm, lightdm, sddm, gnome-shell …). */
  packages: string[];
  /** The default target is graphical, or a display manager is configured. */
  graphical: boolean;
}

export const guiSection = defineSection({
  name: 'gui',
  read: (input) => ({ value: parseGui(keyValues(input.output('gui')?.body ?? ''), input.facts.packages) }),
  script: String.raw`
s_gui() {
  l=; [ -L "$R/etc/systemd/system/default.target" ] && l=$(readlink "$R/etc/systemd/system/default.target" 2>/dev/null); echo "default-link=$l"
  if live && command -v systemctl >/dev/null 2>&1; then echo "get-default=$(systemctl get-default 2>/dev/null)"; fi
  l=; [ -L "$R/etc/systemd/system/display-manager.service" ] && l=$(readlink "$R/etc/systemd/system/display-manager.service" 2>/dev/null); echo "display-manager=$l"
  rp /etc/inittab; f=$P; [ -r "$f" ] && grep '^id:[0-9]:initdefault' "$f"
  true
}`,
});
