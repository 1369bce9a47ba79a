/**
 * The facts-section contract: one module per section (sections/<name>.ts) declares the part of the facts
 * script that gathers it, the reading of that output into HostFacts, and its type (added to SectionFacts by
 * declaration merging), so a new fact is one new file plus its line in sections/index.ts. The script
 * (script.ts) and collectFacts (collect.ts) are assembled from the registry.
 */
import type { ScriptSection } from '../parse-script.js';
import type { HostFacts, SectionFacts, SectionName, SectionStatus } from '../types.js';

/** What a section reads: the script's output, the host, and the sections read before it. */
export interface SectionInput {
  /** The output of one script part (`s_<part>`), undefined when the script printed none. */
  output(part: string): ScriptSection | undefined;
  hostName: string;
  /** The root prefix the script ran under; undefined on a live host. */
  root: string | undefined;
  live: boolean;
  /** The facts so far: every section before this one in the registry has been read. */
  facts: Readonly<HostFacts>;
}

/** A section's reading: its value, or why the section failed (its status then says so). */
export type SectionRead<T> = { value: T } | { error: string };

export interface SectionSpec<N extends SectionName> {
  name: N;
  /**
   * Shell text defining `s_<part>()` for each of `parts` (and any variable they use). A constant: no data is
   * interpolated into the script. Runs in a subshell with $R (root prefix, '' when live) and the helpers of
   * script.ts (live, rp, cf, glob, na, dbpath, rpmq).
   */
  script: string;
  /** The script parts this section runs, in order; default: [name]. */
  parts?: readonly string[];
  /**
   * Sections whose script parts this one reads the output of (relations reads the packages part's rpm -qa):
   * a script running this section runs theirs too, before it, each part once.
   */
  uses?: readonly FactsSection[];
  /** The section prints `not-applicable: REASON` where it cannot apply (an offline root): status not-applicable. */
  notApplicable?: boolean;
  /** Collected only when asked for by name (collectFacts' `sections`), not by the default facts script. */
  onDemand?: boolean;
  read(input: SectionInput): SectionRead<NonNullable<SectionFacts[N]>>;
}

/** A registered section, as the script and collectFacts use it. */
export interface FactsSection {
  name: SectionName;
  script: string;
  parts: readonly string[];
  uses: readonly FactsSection[];
  onDemand: boolean;
  /** Reads the section into `facts` (through the input's view of it) and returns its status. */
  collect(input: SectionInput, facts: HostFacts): SectionStatus;
}

export function defineSection<N extends SectionName>(spec: SectionSpec<N>): FactsSection {
  const { name } = spec;
  return {
    name,
    script: spec.script.trim(),
    parts: spec.parts ?? [name],
    uses: spec.uses ?? [],
    onDemand: spec.onDemand === true,
    collect(input, facts) {
      const own = input.output(name);
      if (spec.notApplicable) {
        const reason = /^not-applicable: (.*)$/m.exec(own?.body ?? '')?.[1];
        if (reason) return { status: 'not-applicable', reason };
      }
      if (own && own.code === undefined) return { status: 'error', message: `the ${name} section of the facts output was cut short` };
      let read: SectionRead<NonNullable<SectionFacts[N]>>;
      try {
        read = spec.read(input);
      } catch (err) {
        return { status: 'error', message: (err as Error).message };
      }
      if ('error' in read) return { status: 'error', message: read.error };
      const target: SectionFacts = facts;
      target[name] = read.value;
      return { status: 'ok' };
    },
  };
}

/**
 * A reading several sections share (the packages and rpmdb sections both need the one parse of rpm -qa):
 * computed once per collection (per input), by whichever section asks first.
 */
export function sharedReading<T>(compute: (input: SectionInput) => T): (input: SectionInput) => T {
  const cache = new WeakMap<SectionInput, { value: T }>();
  return (input) => {
    let box = cache.get(input);
    if (!box) {
      box = { value: compute(input) };
      cache.set(input, box);
    }
    return box.value;
  };
}

/** The content of a section's first file, or of the file at `path`. */
export function fileOf(s: ScriptSection | undefined, path?: string): string | undefined {
  if (!s) return undefined;
  const f = path ? s.files.find((x) => x.path === path) : s.files[0];
  return f?.content;
}
