/**
 * testsolv's result format (ext/testcase.c testcase_solverresult): one line per transaction element, `install P`,
 * `erase P [OBSOLETER]`, `upgrade|downgrade|reinstall|change OLD NEW`; with `recommended` one `recommended P` /
 * `suggested P` per solver_get_recommendations entry; with `cleandeps` one `cleandeps P` per solver_get_cleandeps
 * entry; `alternatives` (the choices the solver kept), `rules` (the rules it made), `genid` (dependency ids) and
 * `jobs` (the jobs, selections expanded); all sorted as testsolv sorts them. Problems are one `problem` line:
 * libsolv's problem and solution texts are not modelled, so a comparison of two unsolvable results compares only
 * that both are unsolvable. */
import { solve } from './solve.js';
import { formatSolvable, type JobSet, type Testcase } from './testcase.js';
import { formatDepId, parseDepId, relOpName, treeToId, type DepId } from './testdep.js';
import { makeSelection, type Select, type SelectionJob } from './selection.js';
import { problemId, proveUnsolvable } from './proof.js';
import { createHash } from 'node:crypto';
import { FerryError, assert } from '../core/errors.js';
import type { DepTree } from '../rpm/deps.js';
import type { Alternative, Job, RuleReport, SolveRequest, SolveResult, SolverPool, SolverRule } from './types.js';

export interface SolveTestcaseOptions {
  /** Passed to the solver (SolveRequest.onPhase): the time of each phase of each job set's solve. */
  readonly onPhase?: SolveRequest['onPhase'];
}

/** The marker line of an unsolvable result. */
export const PROBLEM_LINE = 'problem (unsolvable)';

export function formatResult(pool: SolverPool, result: SolveResult): string[] {
  if (!result.ok) return [PROBLEM_LINE];
  const f = (id: number): string => formatSolvable(pool, id);
  const lines = result.steps.map((s) => {
    switch (s.kind) {
      case 'install': return `install ${f(s.id)}`;
      case 'erase': return s.by === undefined ? `erase ${f(s.id)}` : `erase ${f(s.id)} ${f(s.by)}`;
      default: return `${s.kind} ${f(s.from)} ${f(s.to)}`;
    }
  });
  return lines.sort();
}

/**
 * Solves each job set of a testcase; the result lines as testsolv prints them (after a `test N:` line per set
 * when there are several).
 */
export function solveTestcase(tc: Testcase, options: SolveTestcaseOptions = {}): string[] {
  let kept: readonly number[] | undefined;
  const results = tc.sets.map((set, k) => {
    const run = runJobSet(tc, set, { considerAlso: set.reuseSolver ? kept : undefined, keep: tc.sets[k + 1]?.reuseSolver === true, ...options });
    kept = run.considered;
    return run.lines;
  });
  if (results.length === 1) return results[0];
  return results.flatMap((lines, k) => [`test ${k + 1}:`, ...lines]);
}

/**
 * One job set of a testcase, solved against its pool: the result lines as testsolv prints them for its result
 * types (transaction and problems when it names none).
 */
export function solveJobSet(tc: Testcase, set: JobSet, options: SolveTestcaseOptions = {}): string[] {
  return runJobSet(tc, set, options).lines;
}

/**
 * A job set's result lines; `considerAlso`: the packages a reused solver has rules for; `keep`: also return the
 * packages this solve made rules for (the next set reuses the solver).
 */
function runJobSet(tc: Testcase, set: JobSet, o: { considerAlso?: readonly number[]; keep?: boolean } & SolveTestcaseOptions): { lines: string[]; considered?: readonly number[] } {
  const types = set.resultTypes.length ? set.resultTypes : ['transaction', 'problems'];
  const lines: string[] = [];
  let considered: readonly number[] | undefined;
  if (types.some((t) => t === 'transaction' || t === 'problems' || t === 'recommended' || t === 'cleandeps' || t === 'rules' || t === 'alternatives' || t === 'proof') || o.keep) {
    const solved = solvedLines(tc, set, types, o);
    lines.push(...solved.lines);
    considered = solved.considered;
  }
  if (types.includes('genid')) lines.push(...set.genids.flatMap(genidLines));
  if (types.includes('jobs')) lines.push(...jobLines(tc, set));
  return { lines: lines.sort(), considered };
}

function solvedLines(tc: Testcase, set: JobSet, types: readonly string[], o: { considerAlso?: readonly number[]; keep?: boolean } & SolveTestcaseOptions): { lines: string[]; considered?: readonly number[] } {
  const recommendations = types.includes('recommended');
  const cleandeps = types.includes('cleandeps');
  const rules = types.includes('rules');
  const alternatives = types.includes('alternatives');
  const proof = types.includes('proof');
  const result = solve({ ...(alternatives ? { alternatives: true } : {}), ...(o.considerAlso ? { considerAlso: o.considerAlso } : {}), ...(rules || proof || o.keep ? { rules: true } : {}), pool: tc.pool, arch: tc.arch, jobs: set.jobs, ignoreRecommended: set.solverFlags.includes('ignorerecommended'), focusInstalled: set.solverFlags.includes('focusinstalled'), focusBest: set.solverFlags.includes('focusbest'), focusNew: set.solverFlags.includes('focusnew'),
    dupAllowDowngrade: !set.solverFlags.includes('!dupallowdowngrade'), dupAllowArchChange: !set.solverFlags.includes('!dupallowarchchange'), recommendations,
    keepExplicitObsoletes: set.solverFlags.includes('keepexplicitobsoletes'), keepOrphans: set.solverFlags.includes('keeporphans'),
    allowUninstall: set.solverFlags.includes('allowuninstall'), yumObsoletes: set.solverFlags.includes('yumobsoletes'),
    implicitObsoleteUsesColors: set.poolFlags.includes('implicitobsoleteusescolors'),
    ...(tc.disabled.length ? { disabled: new Set(tc.disabled), whatprovidesWithDisabled: set.poolFlags.includes('whatprovideswithdisabled') } : {}),
    bestObeyPolicy: set.solverFlags.includes('bestobeypolicy'), noAutoTarget: set.solverFlags.includes('noautotarget'),
    strongRecommends: set.solverFlags.includes('strongrecommends'), strictRepoPriority: set.solverFlags.includes('strictrepopriority'), allowVendorChange: set.solverFlags.includes('allowvendorchange'), reportCleandeps: cleandeps,
    ...(o.onPhase ? { onPhase: o.onPhase } : {}) });
  const lines = types.includes('transaction') || types.includes('problems') ? formatResult(tc.pool, result) : [];
  if (rules) lines.push(...ruleLines(tc.pool, result.rules));
  if (alternatives && result.ok) lines.push(...alternativeLines(tc, result.alternatives ?? [], set.jobs));
  if (proof && !result.ok) lines.push(...proofLines(tc.pool, result.rules));
  const considered = result.rules?.considered;
  if (!result.ok || (!recommendations && !cleandeps)) return { lines, considered };
  const f = (kind: string, ids: readonly number[] = []): string[] => ids.map((id) => `${kind} ${formatSolvable(tc.pool, id)}`);
  return { lines: [...lines, ...f('recommended', result.recommended), ...f('suggested', result.suggested), ...f('cleandeps', result.cleandeps)], considered };
}

/** jobflags2str (ext/testcase.c): the job flags in the order testcase_job2str writes them. */
const JOB_FLAG_ORDER = ['weak', 'essential', 'cleandeps', 'orupdate', 'forcebest', 'targeted', 'notbyuser', 'setev', 'setevr', 'setarch', 'setvendor', 'setrepo', 'noautoset'];

/**
 * `result jobs` (testcase_job2str of every job): the jobs each `job noop selection` line made (selection.ts), then
 * the noop provides jobs (`job noop provides`, evrcmp and genid lines). A set with other jobs throws SOLVER_UNSUPPORTED.
 */
export function jobLines(tc: Testcase, set: JobSet): string[] {
  if (set.jobs.length) throw new FerryError('SOLVER_UNSUPPORTED', 'result jobs of a set with jobs other than noop selections');
  const sp = { pool: tc.pool, arch: tc.arch, disabled: new Set(tc.disabled), files: (id: number) => tc.pool.files(id) };
  // the job queue: a filter selection narrows the jobs before it and takes their place
  let queue: { sel: SelectionJob; jobFlags: readonly string[] }[] = [];
  for (const n of set.noopSelections) {
    const filter = n.spec.flags.includes('filter');
    const sel = makeSelection(sp, n.spec, filter ? queue.map((q) => q.sel) : []);
    if (typeof sel === 'string') throw new FerryError('SOLVER_UNSUPPORTED', `line ${n.line}: ${sel}`);
    if (filter) queue = [];
    queue.push(...sel.map((e) => ({ sel: e, jobFlags: n.jobFlags })));
  }
  const out = queue.map((q) => `job ${formatJob('noop', q.sel.select, [...q.jobFlags, ...q.sel.set], tc)}`);
  for (const d of [...set.noopProvides, ...set.genids]) out.push(`job ${formatJob('noop', { kind: 'provides', dep: d }, [], tc)}`);
  return out;
}

/** testcase_job2str: `COMMAND SELECT WHAT [FLAGS]`. */
function formatJob(command: string, select: Select, flags: readonly string[], tc: Testcase): string {
  const f = (id: number): string => formatSolvable(tc.pool, id);
  let what: string;
  switch (select.kind) {
    case 'pkg': what = `pkg ${f(select.id)}`; break;
    case 'name': case 'provides': what = `${select.kind} ${formatDepId(select.dep)}`; break;
    case 'oneof': what = `oneof ${select.ids.length ? select.ids.map(f).join(' ') : 'nothing'}`; break;
    case 'all': what = 'all packages'; break;
    case 'repo': what = `repo ${tc.pool.repos[select.repo].name}`; break;
  }
  const set = JOB_FLAG_ORDER.filter((x) => flags.includes(x));
  return `${command} ${what}${set.length ? ` [${set.join(',')}]` : ''}`;
}

/** The rule classes ruleLines writes; the others (update, feature, dup, best, …) are laid out otherwise in libsolv. */
const RULE_CLASSES: ReadonlySet<string> = new Set(['pkg', 'job', 'choice']);

/**
 * `result rules` (testcase_solverresult): per rule and literal `rule CLASS ID  P` or `rule CLASS ID -P`, ID the
 * md5 of the rule's sorted, distinct literals (`P` or `!P`, each NUL-terminated: testcase_ruleid). Learnt rules,
 * an installed repository's update and feature rules and the other classes throw SOLVER_UNSUPPORTED.
 */
export function ruleLines(pool: SolverPool, report: RuleReport | undefined): string[] {
  assert(report !== undefined, 'a solve asked for its rules reports them');
  if (report.learnt) throw new FerryError('SOLVER_UNSUPPORTED', `result rules after the search learnt ${report.learnt} rule(s): Ferry's CDCL learns other rules than libsolv`);
  if (pool.installedRepo !== undefined && report.considered.some((id) => pool.solvable(id).repo === pool.installedRepo)) {
    throw new FerryError('SOLVER_UNSUPPORTED', 'result rules with an installed repository (libsolv\'s feature and update rule layout is not modelled)');
  }
  const lines: string[] = [];
  for (const r of report.rules) {
    if (!RULE_CLASSES.has(r.kind)) throw new FerryError('SOLVER_UNSUPPORTED', `result rules with ${r.kind} rules`);
    if (r.literals.length === 0) throw new FerryError('SOLVER_UNSUPPORTED', `result rules with an empty ${r.kind} rule (libsolv's -SYSTEMSOLVABLE)`);
    const id = ruleId(pool, r.literals);
    for (const l of r.literals) lines.push(`rule ${r.kind} ${id} ${l.installed ? ' ' : '-'}${formatSolvable(pool, l.id)}`);
  }
  return lines;
}

/**
 * `result proof` of an unsolvable result (proof.ts): per rule of the proof `proof PID N CLASS RULEID` and its
 * literals `proof PID N: --> P` for the one it made true.
 */
export function proofLines(pool: SolverPool, report: RuleReport | undefined): string[] {
  assert(report !== undefined, 'a solve asked for its rules reports them');
  if (pool.installedRepo !== undefined && report.considered.some((id) => pool.solvable(id).repo === pool.installedRepo)) {
    throw new FerryError('SOLVER_UNSUPPORTED', 'result proof with an installed repository (libsolv\'s feature and update rule layout is not modelled)');
  }
  const { steps, problemRules } = proveUnsolvable(report.rules);
  const pid = problemId(problemRules.map((r) => ruleId(pool, report.rules[r].literals)));
  const out: string[] = [];
  steps.forEach((s, k) => {
    const r = report.rules[s.rule];
    const n = String(k).padStart(3);
    out.push(`proof ${pid} ${n} ${r.kind} ${ruleId(pool, r.literals)}`);
    for (const l of r.literals) {
      const lit = l.installed ? l.id + 1 : -(l.id + 1);
      out.push(`proof ${pid} ${n}: ${lit === s.truelit ? '-->' : '   '}${l.installed ? '  ' : ' -'}${formatSolvable(pool, l.id)}`);
    }
  });
  return out;
}

/** testcase_ruleid: the md5 of a rule's sorted, distinct literals (`P` or `!P`, each NUL-terminated). */
function ruleId(pool: SolverPool, literals: SolverRule['literals']): string {
  const md5 = createHash('md5');
  const texts = literals.map((l) => `${l.installed ? '' : '!'}${formatSolvable(pool, l.id)}`);
  for (const t of [...new Set(texts)].sort()) md5.update(`${t}\0`);
  return md5.digest('hex');
}

/**
 * `result alternatives` (testcase_solverresult): per choice an id (testcase_alternativeid: 4 bytes of the md5 of
 * the rule's id, or of the recommending package and its dependency), a line 0 naming the origin (`job …`,
 * `P requires DEP`, `update P`, `P recommends DEP`) and one line per candidate, `+` the one installed, `-` one
 * tried and dropped.
 */
export function alternativeLines(tc: Testcase, alternatives: readonly Alternative[], jobs: readonly Job[]): string[] {
  const pool = tc.pool;
  const f = (id: number): string => formatSolvable(pool, id);
  const out: string[] = [];
  for (const a of alternatives) {
    const o = a.origin;
    if (o === undefined) throw new FerryError('SOLVER_UNSUPPORTED', 'result alternatives of a choice without its rule');
    const md5 = createHash('md5');
    const head: string[] = [];
    if ('from' in o) {
      const dep = formatDepId(treeToId(o.dep));
      md5.update(`${f(o.from)}\0${dep}\0`);
      head.push(`${f(o.from)} recommends ${dep}`);
    } else {
      md5.update(`${ruleId(pool, o.rule)}\0`);
      const rule = o.pkgRule ?? o.rule;
      if (o.kind === 'job' && o.job !== undefined) head.push(`job ${formatSolverJob(tc, jobs[o.job])}`);
      else if ((o.kind === 'update' || o.kind === 'feature') && o.pkg !== undefined) head.push(`update ${f(o.pkg)}`);
      else if (o.kind === 'pkg' || o.kind === 'choice') head.push(...requiresInfos(tc, rule).map((i) => `${f(i.pkg)} requires ${formatDepId(treeToId(i.dep))}`));
      else throw new FerryError('SOLVER_UNSUPPORTED', `result alternatives of a ${o.kind} rule`);
    }
    const prefix = `alternative ${md5.digest('hex').slice(0, 8)} `;
    for (const h of head) out.push(`${prefix} 0 ${h}`);
    a.cands.forEach((c, k) => out.push(`${prefix}${String(k + 1).padStart(2)} ${c.id === a.chosen ? '+' : c.taken ? '-' : ' '} ${f(c.id)}`));
  }
  return out;
}

/** solver_allruleinfos of a requires rule -N | P1 … Pk: every requires of N whose providers are P1 … Pk. */
function requiresInfos(tc: Testcase, rule: SolverRule['literals']): { pkg: number; dep: DepTree }[] {
  const neg = rule.filter((l) => !l.installed);
  if (neg.length !== 1) return [];
  const n = neg[0].id;
  const want = rule.filter((l) => l.installed).map((l) => l.id).sort((a, b) => a - b).join(',');
  return tc.pool.solvable(n).requires.filter((d) => d.type === 'simple' && tc.pool.whatprovides(d).filter((p) => p !== n).join(',') === want).map((dep) => ({ pkg: n, dep }));
}

/** testcase_job2str of a solver job. */
function formatSolverJob(tc: Testcase, job: Job): string {
  const s = job.select;
  let select: Select;
  switch (s.kind) {
    case 'name': select = { kind: 'name', dep: s.evr?.flags && s.evr.evr ? treeToId({ type: 'simple', name: s.name, flags: s.evr.flags, evr: s.evr.evr }) : { lit: s.name } }; break;
    case 'provides': select = { kind: 'provides', dep: treeToId(s.dep) }; break;
    default: select = s;
  }
  const flags = [...(job.forceBest ? ['forcebest'] : []), ...(job.targeted ? ['targeted'] : []), ...(job.setEvr ? ['setevr'] : []), ...(job.setArch ? ['setarch'] : []), ...(job.weak ? ['weak'] : [])];
  return formatJob(job.command, select, flags, tc);
}

/**
 * `result genid` of one noop provides job (testcase_solverresult): the dependency as testcase_dep2str writes it,
 * a roundtrip error when testcase_str2dep reads that text back to other ids, and the ids one per line
 * (dump_genid: operands before their relation, numbered from 1).
 */
export function genidLines(id: DepId): string[] {
  const text = formatDepId(id);
  const lines = [`genid dep ${text}`];
  let back: DepId;
  try {
    back = parseDepId(text);
  } catch {
    back = null;
  }
  if (JSON.stringify(back) !== JSON.stringify(id)) lines.push(`genid roundtrip error: ${formatDepId(back)}`);
  let n = 1;
  const dump = (d: DepId): void => {
    if (d !== null && 'flags' in d) {
      dump(d.name);
      dump(d.evr);
      lines.push(`genid ${String(n++).padStart(2)}: genid op ${relOpName(d.flags) ?? 'unknown'}`);
    } else lines.push(`genid ${String(n++).padStart(2)}: genid ${d === null ? 'null' : `lit ${d.lit}`}`);
  };
  dump(id);
  return lines;
}

const TEST_HEADER = /^test \d+:$/;

/**
 * Reduces testsolv's own result lines to what formatResult models, per job set: every `problem …` line becomes
 * one marker, the rest is sorted.
 */
export function normaliseReference(lines: readonly string[]): string[] {
  const one = (part: readonly string[]): string[] => {
    if (part.some((l) => l.startsWith('problem '))) return [PROBLEM_LINE];
    return part.filter((l) => l.trim() !== '').sort();
  };
  if (!lines.some((l) => TEST_HEADER.test(l))) return one(lines);
  const out: string[] = [];
  let part: string[] = [];
  for (const l of lines) {
    if (!TEST_HEADER.test(l)) { part.push(l); continue; }
    if (out.length) out.push(...one(part));
    out.push(l);
    part = [];
  }
  out.push(...one(part));
  return out;
}
