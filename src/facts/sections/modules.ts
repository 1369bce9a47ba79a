/** The modules section: the module stream states dnf keeps in /etc/dnf/modules.d/*.module. */
import { parseModuleFile } from '../parse-config.js';
import { defineSection } from './section.js';

/** A module stream state from /etc/dnf/modules.d/*.module. */
export interface ModuleStreamState {
  name: string;
  stream?: string;
  state: string; // enabled, disabled, '' (reset) …
  profiles: string[];
  file: string;
}

declare module '../types.js' {
  interface SectionFacts { modules?: ModuleStreamState[] }
}

export const modulesSection = defineSection({
  name: 'modules',
  script: String.raw`
s_modules() { glob /etc/dnf/modules.d .module; }`,
  read: (input) => ({ value: (input.output('modules')?.files ?? []).flatMap((f) => parseModuleFile(f.content, f.path)) }),
});
