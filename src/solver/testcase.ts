/**
 * libsolv's testcase format (ext/testcase.c), the subset testsolv's own test suite uses for transactions:
 * `repo NAME PRIO[.SUB] testtags <inline>|FILE|empty`, `system ARCH DISTTYPE REPO`, `job CMD SELECT ARGS
 * [flags]`, `result TYPES <inline>` and `nextjob` (a further job set). What the reader understands but the
 * solver does not model (other job commands, solver flags, …) is listed in `unsupported`, never silently dropped.
 * Malformed input throws TESTCASE_INVALID naming file:line.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FerryError, isFerryError } from '../core/errors.js';
import { matchesDep, type DepTree, type SimpleDep } from '../rpm/deps.js';
import { formatTestcaseDep, parseTestcaseDep } from './testdep.js';
import type { Dep, Evr } from '../rpm/types.js';
import type { Job, JobCommand, JobSelect, Solvable, SolverPool, SolverRepo } from './types.js';

/** One job set: the jobs before the first `nextjob`, or between two. */
export interface JobSet {
  readonly jobs: Job[];
  /** The expected result lines, without their `#>` prefix. */
  readonly result: string[];
  readonly resultTypes: string[];
  /** The modelled solver flags the set turns on (`solverflags ignorerecommended`). */
  readonly solverFlags: string[];
  /** The modelled pool flags in force when the set is solved (`poolflags` lines persist across sets). */
  readonly poolFlags: string[];
  /** What this set alone uses that the solver does not model (its jobs, solver flags, result types). */
  readonly unsupported: string[];
}

/** The solver flags the depsolver models; any other makes the case unmodelled. */
const SOLVER_FLAGS: ReadonlySet<string> = new Set(['ignorerecommended', 'focusinstalled', '!dupallowdowngrade', '!dupallowarchchange', 'keepexplicitobsoletes', 'keeporphans']);

/**
 * The pool flags the depsolver models. noobsoletesmultiversion only sets solver_create's keepexplicitobsoletes
 * default (libsolv 0.7.23 src/solver.c), which testsolv resets to off (testcase_resetsolverflags): no effect.
 * implicitobsoleteusescolors is not among them: its testcases need the infarch lock-step rules (rules.c
 * solver_addinfarchrules), which are not modelled.
 */
const POOL_FLAGS: ReadonlySet<string> = new Set(['noobsoletesmultiversion']);

export interface Testcase {
  readonly pool: MemoryPool;
  readonly arch: string;
  /** The first job set's jobs and result. */
  readonly jobs: Job[];
  readonly result: string[];
  readonly resultTypes: string[];
  /** Every job set, solved one after the other against the same pool (testsolv's "test N:"). */
  readonly sets: JobSet[];
  /** Each feature of the case the solver does not model, with the line that uses it. */
  readonly unsupported: string[];
  /** Those of them that concern every set: the pool, its repositories and flags. */
  readonly poolUnsupported: string[];
}

interface MutableSolvable {
  name: string; evr: Evr; arch: string; repo: number;
  provides: Dep[]; requires: DepTree[]; conflicts: DepTree[]; obsoletes: Dep[];
  recommends: DepTree[]; suggests: DepTree[]; supplements: DepTree[]; enhances: DepTree[];
  vendor?: string; buildTime?: number;
}

/** An in-memory SolverPool, built by the testcase reader and the scenario generator. */
export class MemoryPool implements SolverPool {
  readonly repos: SolverRepo[] = [];
  installedRepo: number | undefined;
  private readonly solvables: MutableSolvable[] = [];
  private readonly byProvide = new Map<string, number[]>();
  private readonly byName = new Map<string, number[]>();

  get count(): number { return this.solvables.length; }
  solvable(id: number): Solvable { return this.solvables[id]; }

  addRepo(repo: SolverRepo): number { this.repos.push(repo); return this.repos.length - 1; }

  add(s: MutableSolvable): number {
    const id = this.solvables.length;
    this.versioned.clear();
    // susetags (and so testtags) gives every package its own `name = evr` provide.
    if (!s.provides.some((p) => p.name === s.name && p.flags === 'EQ')) s.provides.push({ name: s.name, flags: 'EQ', evr: s.evr });
    this.solvables.push(s);
    for (const p of new Set(s.provides.map((d) => d.name))) push(this.byProvide, p, id);
    push(this.byName, s.name, id);
    return id;
  }

  /** Versioned lookups, memoised: the solver asks the same ones for every package that requires them. */
  private readonly versioned = new Map<string, readonly number[]>();

  whatprovides(dep: SimpleDep): readonly number[] {
    const ids = this.byProvide.get(dep.name) ?? [];
    if (dep.flags === undefined) return ids;
    const key = `${dep.name}\0${dep.flags}\0${dep.evr?.epoch ?? ''}:${dep.evr?.version ?? ''}-${dep.evr?.release ?? '\0'}`;
    const hit = this.versioned.get(key);
    if (hit) return hit;
    const want: Dep = { name: dep.name, flags: dep.flags, evr: dep.evr };
    const out = ids.filter((id) => this.solvables[id].provides.some((p) => p.name === dep.name && matchesDep(p, want)));
    this.versioned.set(key, out);
    return out;
  }

  named(name: string): readonly number[] { return this.byName.get(name) ?? []; }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value); else map.set(key, [value]);
}

const TAG_KIND: Readonly<Record<string, keyof MutableSolvable | 'ignore'>> = {
  Prv: 'provides', Req: 'requires', Prq: 'requires', Con: 'conflicts', Obs: 'obsoletes',
  Rec: 'recommends', Sug: 'suggests', Enh: 'enhances', Sup: 'supplements', Ver: 'ignore',
  Sum: 'ignore', Grp: 'ignore', Lic: 'ignore', Src: 'ignore', Cks: 'ignore', Siz: 'ignore',
  Loc: 'ignore', Fls: 'ignore', Key: 'ignore', Fil: 'ignore',
};

/** Reads a testcase file; repo files it names are read relative to it. */
export function readTestcase(path: string): Testcase {
  return parseTestcase(readFileSync(path, 'utf8'), path);
}

/** `where` names the text in errors (a path: repo files are resolved against its directory). */
export function parseTestcase(text: string, where: string): Testcase {
  const pool = new MemoryPool();
  const lines = text.split('\n');
  const repoIds = new Map<string, number>();
  const pendingSets: { jobs: { line: number; words: string[] }[]; result: string[]; resultTypes: string[]; solverFlags: string[]; poolFlags: Set<string>; unsupported: string[] }[] = [];
  // testsolv's pool flags: reset to their defaults at the first poolflags line, then set as the lines come
  const poolFlags = new Set<string>();
  const newSet = (): (typeof pendingSets)[number] => { const set = { jobs: [], result: [], resultTypes: [], solverFlags: [], poolFlags, unsupported: [] }; pendingSets.push(set); return set; };
  let cur = newSet();
  const unsupported: string[] = [];
  let arch = 'noarch';
  let installedName: string | undefined;
  const bad = (line: number, what: string): FerryError => new FerryError('TESTCASE_INVALID', `${where}:${line}: ${what}`, {
    hint: 'see libsolv ext/testcase.c for the syntax',
  });
  const inline = (from: number): { body: string[]; next: number } => {
    const body: string[] = [];
    let i = from;
    while (i < lines.length && lines[i].startsWith('#>')) body.push(lines[i++].slice(2));
    return { body, next: i };
  };
  for (let i = 0; i < lines.length;) {
    const lineNo = i + 1;
    const raw = lines[i++].trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const words = raw.split(/\s+/);
    const cmd = words[0];
    switch (cmd) {
      case 'repo': {
        if (words.length < 4) throw bad(lineNo, `"repo" needs NAME PRIO TYPE [SOURCE], got "${raw}"`);
        const [, name, prio, type] = words;
        const m = /^(-?\d+)(?:\.(-?\d+))?$/.exec(prio);
        if (!m) throw bad(lineNo, `repo priority "${prio}" is not PRIO[.SUBPRIO]`);
        const repo = pool.addRepo({ name, priority: Number(m[1]), subpriority: Number(m[2] ?? 0) });
        repoIds.set(name, repo);
        let body: string[] = [];
        if (words[4] === '<inline>') ({ body, next: i } = inline(i));
        else if (type !== 'empty') {
          if (words[4] === undefined) throw bad(lineNo, `repo "${name}" of type ${type} names no source`);
          try {
            body = readFileSync(join(dirname(where), words[4]), 'utf8').split('\n');
          } catch (err) {
            throw bad(lineNo, `repo file "${words[4]}" cannot be read: ${(err as Error).message}`);
          }
        }
        if (type === 'testtags') readTesttags(pool, repo, body, (n, what) => bad(words[4] === '<inline>' ? lineNo + 1 + n : lineNo, what), unsupported);
        else if (type !== 'empty') unsupported.push(`line ${lineNo}: repo type ${type}`);
        break;
      }
      case 'system': {
        if (words.length < 3) throw bad(lineNo, `"system" needs ARCH DISTTYPE [REPO], got "${raw}"`);
        arch = words[1];
        if (words[2] !== 'rpm' && words[2] !== '*') unsupported.push(`line ${lineNo}: disttype ${words[2]}`);
        installedName = words[3];
        break;
      }
      case 'job': cur.jobs.push({ line: lineNo, words: words.slice(1) }); break;
      case 'result': {
        if (words.length < 2) throw bad(lineNo, '"result" needs TYPES');
        cur.resultTypes = words[1].split(',');
        if (words[2] === '<inline>') ({ body: cur.result, next: i } = inline(i));
        for (const t of cur.resultTypes) if (t !== 'transaction' && t !== 'problems' && t !== 'recommended') cur.unsupported.push(`line ${lineNo}: result ${t}`);
        break;
      }
      case 'nextjob': cur.poolFlags = new Set(poolFlags); cur = newSet(); break;
      case 'solverflags':
        for (const f of words.slice(1)) {
          if (SOLVER_FLAGS.has(f)) cur.solverFlags.push(f); else cur.unsupported.push(`line ${lineNo}: solverflags ${f}`);
        }
        break;
      case 'poolflags':
        for (const f of words.slice(1)) {
          const name = f.replace(/^!/, '');
          if (!POOL_FLAGS.has(name)) { unsupported.push(`line ${lineNo}: poolflags ${f}`); continue; }
          if (f.startsWith('!')) poolFlags.delete(name); else poolFlags.add(name);
        }
        break;
      case 'genid': case 'disable': case 'feature': case 'namespace': case 'evrcmp':
        unsupported.push(`line ${lineNo}: ${cmd}`);
        if (words.at(-1) === '<inline>') i = inline(i).next;
        break;
      default: throw bad(lineNo, `unknown testcase command "${cmd}"`);
    }
  }
  if (installedName !== undefined) pool.installedRepo = repoIds.get(installedName);
  const sets: JobSet[] = pendingSets.map((set) => {
    const jobs: Job[] = [];
    for (const { line, words } of set.jobs) {
      const job = parseJob(pool, repoIds, words, (what) => bad(line, what));
      if (typeof job === 'string') set.unsupported.push(`line ${line}: ${job}`); else jobs.push(job);
    }
    set.unsupported.sort((a, b) => lineOf(a) - lineOf(b));
    return { jobs, result: set.result, resultTypes: set.resultTypes, solverFlags: set.solverFlags, poolFlags: [...set.poolFlags].sort(), unsupported: set.unsupported };
  });
  const poolUnsupported = [...unsupported].sort((a, b) => lineOf(a) - lineOf(b));
  const all = [...unsupported, ...sets.flatMap((s) => s.unsupported)].sort((a, b) => lineOf(a) - lineOf(b));
  return { pool, arch, jobs: sets[0].jobs, result: sets[0].result, resultTypes: sets[0].resultTypes, sets, unsupported: all, poolUnsupported };
}

function lineOf(note: string): number { return Number(/^line (\d+)/.exec(note)?.[1] ?? 0); }

const COMMANDS: ReadonlySet<string> = new Set(['install', 'erase', 'update', 'distupgrade', 'lock', 'favor', 'disfavor', 'multiversion', 'noobsoletes']);

/** A job, or the reason it is not modelled. */
function parseJob(pool: MemoryPool, repos: Map<string, number>, words: string[], bad: (what: string) => FerryError): Job | string {
  const flagAt = words.findIndex((w) => w.startsWith('['));
  const flags = flagAt >= 0 ? words.slice(flagAt).join(' ') : '';
  const args = flagAt >= 0 ? words.slice(0, flagAt) : words;
  const [command, how, ...rest] = args;
  if (command === undefined || how === undefined) throw bad(`a job needs COMMAND SELECTION, got "${words.join(' ')}"`);
  if (!COMMANDS.has(command)) return `job ${command}`;
  if (flags !== '') return `job flags ${flags}`;
  let select: JobSelect;
  switch (how) {
    case 'name': {
      const tree = depOrThrow(rest.join(' '), bad);
      if (typeof tree === 'string') return tree;
      if (tree.type !== 'simple') return 'job name with a rich dependency';
      select = tree.flags ? { kind: 'name', name: tree.name, evr: { flags: tree.flags, evr: tree.evr } } : { kind: 'name', name: tree.name };
      break;
    }
    case 'provides': {
      const tree = depOrThrow(rest.join(' '), bad);
      if (typeof tree === 'string') return tree;
      if (tree.type !== 'simple') return 'job provides with a rich dependency';
      select = { kind: 'provides', dep: tree };
      break;
    }
    case 'pkg': {
      const id = findPkg(pool, rest.join(' '));
      if (id === undefined) throw bad(`job names package "${rest.join(' ')}", which no repo holds`);
      select = { kind: 'pkg', id };
      break;
    }
    case 'all': select = { kind: 'all' }; break;
    case 'repo': {
      const repo = repos.get(rest[0] ?? '');
      if (repo === undefined) throw bad(`job names repo "${rest[0] ?? ''}", which the testcase does not define`);
      select = { kind: 'repo', repo };
      break;
    }
    default: return `job selection ${how}`;
  }
  // noobsoletes is multiversion's old name (ext/testcase.c job2str)
  return { command: command === 'noobsoletes' ? 'multiversion' : command as JobCommand, select };
}

/** The dependency, or the reason it is not modelled; malformed text throws TESTCASE_INVALID. */
function depOrThrow(text: string, bad: (what: string) => FerryError): DepTree | string {
  try {
    return parseTestcaseDep(text);
  } catch (err) {
    if (isFerryError(err, 'DEP_PARSE') || isFerryError(err, 'EVR_INVALID')) throw bad(err.message);
    if (isFerryError(err, 'SOLVER_UNSUPPORTED')) return err.message;
    throw err;
  }
}

/** `N-[E:]V-R.A@REPO`, as testsolv prints solvables. */
export function formatSolvable(pool: SolverPool, id: number): string {
  const s = pool.solvable(id);
  const epoch = s.evr.epoch ? `${s.evr.epoch}:` : '';
  const rel = s.evr.release === undefined ? '' : `-${s.evr.release}`;
  return `${s.name}-${epoch}${s.evr.version}${rel}.${s.arch}@${pool.repos[s.repo].name}`;
}

function findPkg(pool: MemoryPool, text: string): number | undefined {
  for (let id = 0; id < pool.count; id++) if (formatSolvable(pool, id) === text) return id;
  return undefined;
}

function readTesttags(pool: MemoryPool, repo: number, body: string[], bad: (n: number, what: string) => FerryError, unsupported: string[]): void {
  let cur: MutableSolvable | undefined;
  // equal dependency texts parse to one shared (read-only) tree
  const parsed = new Map<string, DepTree | string>();
  let block: { kind: keyof MutableSolvable | 'ignore'; tag: string } | undefined;
  const addDep = (kind: keyof MutableSolvable | 'ignore', text: string, n: number): void => {
    if (kind === 'ignore') return;
    if (!cur) throw bad(n, `"${text}" comes before any =Pkg:`);
    let tree = parsed.get(text);
    if (tree === undefined) { tree = depOrThrow(text, (what) => bad(n, what)); parsed.set(text, tree); }
    if (typeof tree === 'string') { unsupported.push(tree); return; }
    if (kind === 'provides' || kind === 'obsoletes') {
      if (tree.type !== 'simple') throw bad(n, `a rich dependency cannot be a ${kind === 'provides' ? 'provide' : 'obsolete'}: "${text}"`);
      const dep: Dep = { name: tree.name };
      if (tree.flags) { dep.flags = tree.flags; dep.evr = tree.evr; }
      cur[kind].push(dep);
    } else if (kind === 'requires' || kind === 'conflicts' || kind === 'recommends' || kind === 'suggests' || kind === 'supplements' || kind === 'enhances') {
      cur[kind].push(tree);
    }
  };
  const flush = (): void => { if (cur) pool.add(cur); cur = undefined; };
  for (let n = 0; n < body.length; n++) {
    const line = body[n];
    if (block) {
      if (line.startsWith(`-${block.tag}:`)) { block = undefined; continue; }
      if (line.trim() !== '') addDep(block.kind, line.trim(), n);
      continue;
    }
    const m = /^([=+])(\w{3}):\s*(.*)$/.exec(line);
    if (!m) { if (line.trim() === '' || line.startsWith('#')) continue; throw bad(n, `testtags line "${line}" is not =Tag: or +Tag:`); }
    const [, sign, tag, value] = m;
    if (tag === 'Pkg') {
      flush();
      const f = value.trim().split(/\s+/);
      if (f.length === 3) unsupported.push(`=Pkg: without an arch "${value}"`);
      else if (f.length !== 4) throw bad(n, `=Pkg: needs NAME VERSION RELEASE ARCH, got "${value}"`);
      const [name, version, release, arch = 'noarch'] = f;
      const colon = version.indexOf(':');
      const evr: Evr = colon >= 0
        ? { epoch: Number(version.slice(0, colon)), version: version.slice(colon + 1), release }
        : { epoch: 0, version, release };
      if (!Number.isSafeInteger(evr.epoch)) throw bad(n, `=Pkg: epoch in "${version}" is not a number`);
      cur = { name, evr, arch, repo, provides: [], requires: [], conflicts: [], obsoletes: [], recommends: [], suggests: [], supplements: [], enhances: [] };
      continue;
    }
    // repo_testcase.c: the vendor is the rest of the line, the build time its leading number (0: none)
    if (tag === 'Vnd' && cur) { cur.vendor = value; continue; }
    if (tag === 'Tim' && cur) { const t = Number.parseInt(value, 10); if (t) cur.buildTime = t; continue; }
    const kind = TAG_KIND[tag] ?? 'ignore';
    if (sign === '+') block = { kind, tag };
    else if (value.trim() !== '') addDep(kind, value.trim(), n);
  }
  if (block) throw bad(body.length, `+${block.tag}: block is not closed by -${block.tag}:`);
  flush();
}

/** A package as writeTestcase writes it (a Solvable without its repository). */
export type TestcasePackage = Omit<Solvable, 'repo'>;

export interface TestcaseSpec {
  /** In order; the installed system is the repository named by `installed`. */
  readonly repos: readonly { name: string; priority: number; packages: readonly TestcasePackage[] }[];
  readonly arch: string;
  readonly installed?: string;
  /** Job lines without the leading `job `, e.g. `distupgrade all packages`. */
  readonly jobs: readonly string[];
}

/** A libsolv testcase with inline testtags repositories, which testsolv and readTestcase both read. */
export function writeTestcase(spec: TestcaseSpec): string {
  const out: string[] = [];
  const tags: [string, keyof TestcasePackage][] = [['Req', 'requires'], ['Con', 'conflicts'], ['Rec', 'recommends'], ['Sug', 'suggests'], ['Sup', 'supplements'], ['Enh', 'enhances']];
  const simple = (d: Dep): string => formatTestcaseDep({ type: 'simple', name: d.name, flags: d.flags, evr: d.evr });
  for (const repo of spec.repos) {
    out.push(`repo ${repo.name} ${repo.priority} testtags <inline>`);
    for (const p of repo.packages) {
      const version = p.evr.epoch ? `${p.evr.epoch}:${p.evr.version}` : p.evr.version;
      out.push(`#>=Pkg: ${p.name} ${version} ${p.evr.release ?? ''} ${p.arch}`);
      for (const d of p.provides) out.push(`#>=Prv: ${simple(d)}`);
      for (const d of p.obsoletes) out.push(`#>=Obs: ${simple(d)}`);
      for (const [tag, key] of tags) for (const d of p[key] as readonly DepTree[]) out.push(`#>=${tag}: ${formatTestcaseDep(d)}`);
      if (p.vendor) out.push(`#>=Vnd: ${p.vendor}`);
      if (p.buildTime) out.push(`#>=Tim: ${p.buildTime}`);
    }
  }
  out.push(`system ${spec.arch} rpm ${spec.installed ?? 'system'}`);
  for (const j of spec.jobs) out.push(`job ${j}`);
  out.push('result transaction,problems <inline>', '');
  return out.join('\n');
}
