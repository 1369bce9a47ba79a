/**
 * collectFacts: one `sh -c FACTS_SCRIPT` round trip over any Transport, read section by section through the
 * registry (sections/). A section that fails is recorded in `sections` (status error) and the rest still
 * count. Read-only.
 */
import { randomBytes } from 'node:crypto';
import { FerryError } from '../core/index.js';
import { rootNotFound, type Transport } from '../transport/index.js';
import { splitScriptOutput } from './parse-script.js';
import { DEFAULT_SECTIONS, FACTS_SCRIPT, factsScriptFor } from './script.js';
import { FACTS_SECTION_REGISTRY, type SectionInput } from './sections/index.js';
import { HOST_FACTS_FORMAT_VERSION, type CollectProgress, type HostFacts, type SectionName } from './types.js';

export { dominantArch, sortPackages } from './sections/packages.js';
export { KERNEL_PACKAGES } from './sections/kernel.js';

export interface CollectOptions {
  onProgress?: (p: CollectProgress) => void;
  /** Timeout for the facts script, ms (default 5 minutes: rpm -qa on a large host is the slow part). */
  timeoutMs?: number;
  /** Clock, for reproducible tests. */
  now?: () => Date;
  /**
   * Only these sections (registry order), on-demand ones included; default: the default facts script's. A
   * section reading another's facts needs that one listed too.
   */
  sections?: readonly SectionName[];
}

export async function collectFacts(transport: Transport, options: CollectOptions = {}): Promise<HostFacts> {
  const progress = options.onProgress ?? ((): void => {});
  const root = transport.root;
  const live = root === undefined;
  const nonce = randomBytes(12).toString('hex');
  progress({ scope: 'facts', phase: 'run', message: `running the facts script on ${transport.hostName}` });
  const run = options.sections ? FACTS_SECTION_REGISTRY.filter((s) => options.sections?.includes(s.name)) : DEFAULT_SECTIONS;
  const script = options.sections ? factsScriptFor(run) : FACTS_SCRIPT;
  const res = await transport.run(['sh', '-c', script, 'sh', root ?? '', nonce], { timeoutMs: options.timeoutMs ?? 300_000 });
  if (root !== undefined && res.stdout.includes(`\n${nonce} NO-ROOT\n`)) throw rootNotFound(root, transport.kind === 'local' ? 'this machine' : transport.hostName);
  if (res.truncated) throw new FerryError('FACTS_PARSE', `Facts output from ${transport.hostName} exceeded the output cap`);
  // The script marks every section with the nonce, so output without it means the script did not run
  // (a ForceCommand, a restricted shell): the exit status and stderr say why.
  if (res.code !== 0 && !res.stdout.includes(nonce)) {
    throw new FerryError('TRANSPORT_COMMAND', `The facts script did not run on ${transport.hostName} (exit ${res.code ?? res.signal ?? '?'}): ${res.stderr.trim().slice(0, 300) || 'no output'}`, {
      hint: 'Check that the login gets a POSIX shell that runs `sh -c` (no ForceCommand, restricted shell or failing profile).',
    });
  }
  const sections = splitScriptOutput(res.stdout, nonce, transport.hostName);
  progress({ scope: 'facts', phase: 'parse', message: `parsing ${sections.size} sections` });
  const facts: HostFacts = {
    formatVersion: HOST_FACTS_FORMAT_VERSION,
    collectedAt: (options.now?.() ?? new Date()).toISOString(),
    source: live ? 'live' : 'root',
    origin: transport.describe(),
    ...(root ? { root } : {}),
    sections: {},
  };
  // Each section in registry order, reading the facts of those before it; a failing one leaves the rest.
  const input: SectionInput = { output: (part) => sections.get(part), hostName: transport.hostName, root, live, facts };
  for (const section of run) facts.sections[section.name] = section.collect(input, facts);
  progress({ scope: 'facts', phase: 'done', message: `collected ${facts.packages?.length ?? 0} packages from ${transport.hostName}` });
  return facts;
}
