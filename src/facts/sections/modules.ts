/** The modules section: the module stream states dnf keeps in /etc/dnf/modules.d/*.module. */
import { parseModuleFile } from '../parse-config.js';
import { defineSection } from './section.js';

declare module '../types.js' { interface SectionFacts { modules?: ModuleStreamState[] } }

/** A module stream state from /etc/dnf/modules.d/*.module. */
export interface ModuleStreamState {
  name: string;
  stream?: string;
  state: string; // enabled, disabled, '' (reset) …
  profiles: string[];
  file: string;
}

export const modulesSection = defineSection({
  name: 'modules',
  read: (input) => ({ value: (input.output('modules')?.files ?? []).flatMap((f) => parseModuleFile(f.content, f.path)) }),
  script: String.raw`
s_modules() { glob /etc/dnf/modules.d .module; }`,
});
