/**
 * libsolv's cleandeps map (src/cleandeps.c solver_createcleandepsmap, unneeded off; dnf's
 * clean_requirements_on_remove): the installed packages that only the packages a [cleandeps] job erases, replaces
 * or updates pulled in. A remove pass takes out what the erased (replaced, updated) packages require or recommend,
 * transitively, and what is no longer supplemented; an add-back pass puts back what the packages that stay and the
 * jobs' packages require or recommend, and what they supplement. The packages removed and not put back form the
 * map: their update rules are disabled, resolve_installed does not keep them, and what is left of them is erased
 * after the dependencies are resolved. The update seeds (find_update_seeds: the update packages no other one
 * alone requires, by filter_unneeded's strongly connected components) and the mistakes stay out of it.
 */
import type { DepTree } from '../rpm/deps.js';
import type { JobCommand, Solvable, SolverPool } from './types.js';

export interface CleandepsJobRule {
  readonly lits: readonly number[];
  readonly command: JobCommand;
  readonly cleandeps: boolean;
}

export interface CleandepsInput {
  readonly pool: SolverPool;
  /** The installed packages, in the installed repository's order. */
  readonly installed: readonly number[];
  isInstalled(p: number): boolean;
  /** The enabled job rules, in rule order, with their job's command and [cleandeps] flag. */
  readonly jobRules: readonly CleandepsJobRule[];
  /** cleandeps_updatepkgs: the installed packages [cleandeps] updates and distupgrades cover, in the order added. */
  readonly updatePkgs: readonly number[];
  /** cleandeps_mistakes: packages found wrongly erased by an earlier run. */
  readonly mistakes: readonly number[];
  /** Whether an install job's package is multiversion and does not replace anything (multiversion, no keepexplicitobsoletes). */
  multiversionReplacesNothing(p: number): boolean;
  /** solver_add_obsoleted: the installed packages p replaces by its name or its Obsoletes: (may repeat one). */
  obsoleted(p: number): readonly number[];
  /** The providers of a simple dependency (FOR_PROVIDES). */
  providers(dep: DepTree & { type: 'simple' }): readonly number[];
  /** pool_normalize_complex_dep: the CNF blocks of a rich dependency, [] when true, a [] block when false. */
  blocks(dep: DepTree): readonly (readonly number[])[];
  /** pool_whatprovides of a rich dependency that names a package set (with, without), else undefined. */
  depSet(dep: DepTree): readonly number[] | undefined;
  /** pool->considered's complement: packages taken out of the pool (they stay installed, and out of the map). */
  disabled?(p: number): boolean;
  /** POOL_FLAG_IMPLICITOBSOLETEUSESCOLORS with the arch scores: the add-back pass keeps multilib packages in lock-step. */
  readonly lockStep?: (arch: string) => number;
}

const ID = (lit: number): number => Math.abs(lit) - 1;

/** The cleandeps map: the installed packages to erase unless something still needs them. */
export function createCleandepsMap(input: CleandepsInput): Set<number> {
  const { pool, installed, isInstalled: inst } = input;
  const map = new Set<number>();
  if (installed.length === 0) return map;
  const userinstalled = new Uint8Array(pool.count);
  const iq: number[] = [];
  // all products are userinstalled (their buddies are not modelled: no linked packages)
  for (const p of installed) if (pool.solvable(p).name.startsWith('product:')) userinstalled[p] = 1;
  // the positive literals of the other jobs' rules (locks, installs) are userinstalled
  for (const r of input.jobRules) {
    if (r.cleandeps) continue;
    for (const l of r.lits) if (l > 0 && inst(ID(l))) userinstalled[ID(l)] = 1;
  }
  // the cleandeps candidates: what [cleandeps] erase jobs erase, what every package of a [cleandeps] install job replaces
  for (const r of input.jobRules) {
    const lits = r.lits;
    if (lits.length === 1 && lits[0] < 0) {
      const p = ID(lits[0]);
      if (!inst(p)) continue;
      userinstalled[p] = 0;
      if (r.command === 'erase' && r.cleandeps) iq.push(p);
      continue;
    }
    if (lits[0] <= 0 || !r.cleandeps) continue;
    if (lits.length === 1 && inst(ID(lits[0]))) continue; // just one installed literal
    if (lits.some((l) => input.multiversionReplacesNothing(ID(l)))) continue;
    const start = iq.length;
    for (const l of lits) {
      if (l < 0) { iq.length = start; break; }
      const p = ID(l);
      if (inst(p)) {
        const had = iq.length === start || iq.indexOf(p, start) >= 0;
        iq.length = start;
        if (had) iq.push(p);
      } else intersectObsoleted(iq, start, input.obsoleted(p));
      if (iq.length === start) break;
    }
  }
  const iqcopy = [...iq];
  for (const p of iq) if (inst(p)) userinstalled[p] = 0;
  if (input.disabled) for (const p of installed) if (input.disabled(p)) userinstalled[p] = 1;
  let seeds: number[] = [];
  if (input.updatePkgs.length) {
    seeds = findUpdateSeeds(input, userinstalled);
    for (const p of input.updatePkgs) {
      if (input.disabled?.(p)) continue;
      iq.push(p);
      userinstalled[p] = 0;
    }
  }
  const installedm = new Uint8Array(pool.count);
  const im = new Uint8Array(pool.count);
  for (const p of installed) { installedm[p] = 1; im[p] = 1; }
  const inIm = (p: number): boolean => im[p] === 1;
  const inInstalled = (p: number): boolean => installedm[p] === 1;

  // the remove pass
  for (;;) {
    if (iq.length === 0) {
      // packages no longer supplemented go too; what their supplements name is pinned (dep_pkgcheck)
      for (const ip of installed) {
        const s = pool.solvable(ip);
        if (!im[ip] || s.supplements.length === 0 || userinstalled[ip]) continue;
        if (s.supplements.some((sup) => possible(input, sup, inIm))) continue;
        for (const sup of s.supplements) {
          if (!possible(input, sup, inInstalled)) continue;
          for (const q of pkgcheck(input, sup)) if (im[q] && inst(q)) userinstalled[q] = 1;
          iq.push(ip);
        }
      }
      if (iq.length === 0) break;
    }
    const ip = iq.shift() as number;
    if (!im[ip] || !installedm[ip] || (inst(ip) && userinstalled[ip])) continue;
    im[ip] = 0;
    const s = pool.solvable(ip);
    for (const dep of [...s.requires, ...s.recommends]) {
      if (dep.type !== 'simple') { removeComplex(input, dep, im, installedm, iq); continue; }
      for (const p of input.providers(dep)) if (im[p]) iq.push(p);
    }
  }

  // userinstalled becomes the remove set for pruning: what the jobs erase and the update packages
  userinstalled.fill(0);
  for (const r of input.jobRules) {
    if (r.lits.length !== 1 || r.lits[0] >= 0) continue;
    const p = ID(r.lits[0]);
    im[p] = 0;
    if (inst(p)) userinstalled[p] = 1;
  }
  for (const p of input.updatePkgs) if (inst(p)) userinstalled[p] = 1;
  for (const p of installed) if (im[p]) iq.push(p);
  for (const r of input.jobRules) for (const l of r.lits) if (l > 0) iq.push(ID(l));

  // the add-back pass
  for (;;) {
    if (iq.length === 0) {
      for (const ip of installed) {
        const s = pool.solvable(ip);
        if (userinstalled[ip] || s.supplements.length === 0 || im[ip]) continue;
        if (!s.supplements.some((sup) => possible(input, sup, inIm))) continue;
        im[ip] = 1;
        iq.push(ip);
      }
      if (iq.length === 0) break;
    }
    const ip = iq.shift() as number;
    const s = pool.solvable(ip);
    if (inst(ip) && input.lockStep) addLockStep(input, s, input.lockStep, im, iq);
    for (const dep of [...s.requires, ...s.recommends]) {
      if (dep.type !== 'simple') { addBackComplex(input, ip, dep, im, installedm, userinstalled, iq); continue; }
      const provs = input.providers(dep);
      if (provs.includes(ip)) continue;
      for (const p of provs) {
        if (im[p] || !installedm[p] || p === ip || userinstalled[p]) continue;
        im[p] = 1;
        iq.push(p);
      }
    }
  }
  // the update seeds, the mistakes and the jobs' own candidates stay out of the map
  for (const p of [...seeds, ...input.mistakes, ...iqcopy]) im[p] = 1;
  for (const p of installed) if (!im[p] && !input.disabled?.(p)) map.add(p);
  return map;
}

/** solver_intersect_obsoleted: q[start…] becomes its intersection with `obsoleted` (or `obsoleted`, when empty). */
function intersectObsoleted(q: number[], start: number, obsoleted: readonly number[]): void {
  if (q.length === start) { q.push(...obsoleted); return; }
  const kept = q.slice(start).filter((p) => obsoleted.includes(p));
  q.length = start;
  q.push(...kept);
}

/** solver_dep_possible: some package of `m` could fulfil dep (if/unless count as possible). */
function possible(input: CleandepsInput, dep: DepTree, m: (p: number) => boolean): boolean {
  switch (dep.type) {
    case 'simple': return input.providers(dep).some(m);
    case 'and': return dep.operands.every((o) => possible(input, o, m));
    case 'or': return dep.operands.some((o) => possible(input, o, m));
    case 'if': case 'unless': return true;
    default: return (input.depSet(dep) ?? []).some(m);
  }
}

/** dep_pkgcheck: the packages looked at when dep is checked (both sides of an and, the branches of an if/unless). */
function pkgcheck(input: CleandepsInput, dep: DepTree): number[] {
  switch (dep.type) {
    case 'simple': return [...input.providers(dep)];
    case 'and': return dep.operands.flatMap((o) => pkgcheck(input, o));
    case 'or': return [...new Set(dep.operands.flatMap((o) => pkgcheck(input, o)))];
    case 'if': case 'unless': return [...pkgcheck(input, dep.left), ...(dep.otherwise ? pkgcheck(input, dep.otherwise) : [])];
    default: return [...input.depSet(dep) ?? []];
  }
}

/** complex_cleandeps_remove: per block not fulfilled by an absent package, its packages still in im. */
function removeComplex(input: CleandepsInput, dep: DepTree, im: Uint8Array, installedm: Uint8Array, iq: number[]): void {
  const blocks = input.blocks(dep);
  if (blocks.length === 0 || blocks.some((b) => b.length === 0)) return;
  for (const block of blocks) {
    for (const l of block) {
      if (l < 0) { if (!installedm[ID(l)]) break; continue; }
      if (im[ID(l)]) iq.push(ID(l));
    }
  }
}

/** complex_cleandeps_addback: per block neither fulfilled by an absent package nor naming ip, its installed packages. */
function addBackComplex(input: CleandepsInput, ip: number, dep: DepTree, im: Uint8Array, installedm: Uint8Array, userinstalled: Uint8Array, iq: number[]): void {
  const blocks = input.blocks(dep);
  if (blocks.length === 0 || blocks.some((b) => b.length === 0)) return;
  for (const block of blocks) {
    if (block.some((l) => (l < 0 ? !installedm[ID(l)] : ID(l) === ip))) continue;
    for (const l of block) {
      const p = ID(l);
      if (l < 0 || im[p] || !installedm[p] || p === ip || userinstalled[p]) continue;
      im[p] = 1;
      iq.push(p);
    }
  }
}

/** The add-back pass under implicitobsoleteusescolors: an installed package brings back its name's best-arch twin. */
function addLockStep(input: CleandepsInput, s: Solvable, score: (arch: string) => number, im: Uint8Array, iq: number[]): void {
  const { pool } = input;
  let best = 0;
  for (const p of pool.named(s.name)) {
    if (input.isInstalled(p)) continue;
    const a = score(pool.solvable(p).arch);
    if (a && a !== 1 && (!best || a < best)) best = a;
  }
  if (!best || score(s.arch) === best) return;
  for (const p of pool.named(s.name)) {
    const ps = pool.solvable(p);
    if (!input.isInstalled(p) || ps.arch === s.arch || score(ps.arch) !== best || im[p]) continue;
    if (ps.evr.epoch !== s.evr.epoch || ps.evr.version !== s.evr.version || ps.evr.release !== s.evr.release) continue;
    im[p] = 1;
    iq.push(p);
  }
}

/**
 * find_update_seeds: the update packages that no other of them alone requires or recommends (filter_unneeded with
 * justone), less the userinstalled ones, which are then added back.
 */
function findUpdateSeeds(input: CleandepsInput, userinstalled: Uint8Array): number[] {
  const inst = input.updatePkgs.filter((p) => input.isInstalled(p));
  const roots = filterUnneeded(input, inst);
  return [...roots.filter((p) => !userinstalled[p]), ...inst.filter((p) => userinstalled[p])];
}

/**
 * filter_unneeded with justone (libsolv src/cleandeps.c): the nodes are the packages; an edge goes from a package to
 * another it requires or recommends when that is the dependency's only installed provider (and from a package to
 * the one that supplements it through its only package). Tarjan's algorithm runs twice, first over every edge,
 * then without the requires; a package is pruned when it is reachable from another strongly connected component.
 */
function filterUnneeded(input: CleandepsInput, nodes: readonly number[]): number[] {
  const count = nodes.length;
  if (count < 2) return [...nodes];
  const { pool } = input;
  const index = new Map(nodes.map((p, k) => [p, k + 1]));
  const installedOnly = (p: number): boolean => input.isInstalled(p);
  // per node its requires edges, then its recommends edges (one list: a repeat of the last edge is not added)
  const edgeLists: number[][] = [];
  const nrequires: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = pool.solvable(nodes[i]);
    const edges: number[] = [];
    const push = (k: number): void => { if (edges.at(-1) !== k) edges.push(k); };
    for (const [pass, deps] of [s.requires, s.recommends].entries()) {
      for (const dep of deps) {
        if (dep.type !== 'simple') {
          // complex_filter_unneeded: every other node of a block not fulfilled by an absent package
          const blocks = input.blocks(dep);
          if (blocks.length === 0 || blocks.some((b) => b.length === 0)) continue;
          for (const block of blocks) {
            for (const l of block) {
              if (l < 0) { if (!input.isInstalled(ID(l))) break; continue; }
              const k = index.get(ID(l));
              if (ID(l) !== nodes[i] && k !== undefined) push(k);
            }
          }
          continue;
        }
        const provs = input.providers(dep).filter((p) => p !== nodes[i] && input.isInstalled(p));
        if (provs.length !== 1) continue;
        const k = index.get(provs[0]);
        if (k !== undefined) push(k);
      }
      if (pass === 0) nrequires.push(edges.length);
    }
    edgeLists.push(edges);
  }
  // supplements: an edge from the supplemented package to the supplementing one, before the recommends edges
  const supplementEdges: number[][] = nodes.map(() => []);
  for (let i = 0; i < count; i++) {
    for (const sup of pool.solvable(nodes[i]).supplements) {
      if (!possible(input, sup, installedOnly)) continue;
      const pkgs = pkgcheck(input, sup);
      if (pkgs.length !== 1) continue;
      for (const p of pkgs) {
        const j = index.get(p);
        if (p === nodes[i] || j === undefined) continue;
        supplementEdges[j - 1].unshift(i + 1);
      }
    }
  }
  const kept = nodes.map(() => true);
  for (let pass = 0; pass < 2; pass++) {
    const edges = nodes.map((_, i) => [...edgeLists[i].slice(pass === 0 ? 0 : nrequires[i], nrequires[i]), ...supplementEdges[i], ...edgeLists[i].slice(nrequires[i])]);
    const low = tarjanRoots(edges, pass === 0 ? undefined : kept);
    for (let i = 0; i < count; i++) if (low[i + 1] <= 0) kept[i] = false;
  }
  return nodes.filter((_, i) => kept[i]);
}

/**
 * libsolv's trj_visit over nodes 1…n (edges[i - 1] are node i's successors): low[i] > 0 for the nodes of a
 * component no other component reaches, ≤ 0 for the rest. `alive` leaves the pruned nodes out (low -1).
 */
function tarjanRoots(edges: readonly (readonly number[])[], alive?: readonly boolean[]): Int32Array {
  const count = edges.length;
  const low = new Int32Array(2 * (count + 1));
  if (alive) for (let i = 0; i < count; i++) if (!alive[i]) low[i + 1] = -1;
  let idx = count + 1;
  let nstack = 0;
  let firstidx = 0;
  const visit = (node: number): void => {
    const myidx = idx++;
    low[node] = myidx;
    const stackstart = nstack++;
    low[stackstart] = node;
    for (const nnode of edges[node - 1]) {
      let l = low[nnode];
      if (!l) {
        if (edges[nnode - 1].length === 0) { idx++; low[nnode] = -1; continue; }
        visit(nnode);
        l = low[nnode];
      }
      if (l < 0) continue;
      if (l < firstidx) {
        for (let k = l; low[low[k]] === l; k++) low[low[k]] = -1;
      } else if (l < low[node]) low[node] = l;
    }
    if (low[node] === myidx) {
      const mark = myidx !== firstidx ? -1 : myidx;
      for (let i = stackstart; i < nstack; i++) low[low[i]] = mark;
      nstack = stackstart;
    }
  };
  for (let i = 1; i <= count; i++) {
    if (low[i]) continue;
    if (edges[i - 1].length) {
      firstidx = nstack = idx;
      visit(i);
    } else {
      const myidx = idx++;
      low[i] = myidx;
      low[myidx] = i;
    }
  }
  return low;
}
