/**
 * A seeded generator of random solver scenarios, written as libsolv testcases (testtags repos, an installed
 * system, jobs) so that Ferry's solver and Debian's testsolv can both solve them. It stays inside the modelled
 * subset (src/solver/solve.ts): requires (simple, versioned, rich and/or/if/unless/with/without in testcase
 * syntax, src/solver/testdep.ts), conflicts,
 * obsoletes, recommends, suggests, supplements, enhances, two repositories with priorities, and install / erase /
 * update / lock jobs by name, provides or package, distupgrade of all packages, and in about 30% of them a
 * multiversion job (by name or provides), half of those with keepexplicitobsoletes; 15% more get a
 * distupgrade, and half of those with a distupgrade an installed orphan pinned to another package's version,
 * most of them with keeporphans; a quarter get allowuninstall (the flag, a job by name, or a job for all packages); a fifth get yumobsoletes, mostly with a package
 * split (two packages of other names obsoleting one installed name); 30% get [forcebest] on their install / update /
 * distupgrade jobs, half of those with bestobeypolicy; 15% get vendors, half of those with allowvendorchange; a fifth get a distupgrade of a repository, a name or a package; a quarter get i686 twins of x86_64 packages, half
 * of those with implicitobsoleteusescolors; 15% get one or two disabled packages, half of those with
 * whatprovideswithdisabled; a fifth get a targeted update or the erase of one specific installed package; 12% a blacklist; 12% strongrecommends (where no recommends is rich); 12% an excludefromweak; 10% strictrepopriority; 10% a verify job; 15% weak install/erase/lock jobs;
 * a fifth of those with installed packages and no weak job get [cleandeps] on their jobs and an erase with it, often of a
 * package requiring another installed one (their cleandeps lines compared); 15%
 * spell their versions with rpm's ~ and ^; 10% focusbest; 10% Debian's disttype.
 */

/** mulberry32: a small, fast, seedable PRNG (public domain). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pkg { name: string; version: number; arch: string; repo: string; tags: string[] }

const NAMES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
const VIRTUALS = ['P', 'Q', 'R'];
const OPS = ['=', '>=', '<=', '<', '>'];
/** rpm versions around 1 with ~ (before) and ^ (after, before the next segment): no two compare equal. */
const VERSION_LADDER = ['1~rc1', '1~rc1^git1', '1', '1^', '1^git1', '1^git1~pre', '1.0^20160101', '1.1'];

/** The testcase text of scenario `seed`. */
export function scenario(seed: number): string {
  const rnd = prng(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const chance = (p: number): boolean => rnd() < p;
  const names = NAMES.slice(0, 3 + int(5));
  const virtuals = VIRTUALS.slice(0, 1 + int(3));
  const extraPrio = pick([0, 0, 1, -1]);
  const pkgs: Pkg[] = [];
  for (const name of names) {
    const versions = 1 + int(3);
    for (let v = 1; v <= versions; v++) {
      if (v > 1 && chance(0.2)) continue;
      pkgs.push({ name, version: v, arch: chance(0.8) ? 'noarch' : 'x86_64', repo: chance(0.7) ? 'available' : 'extra', tags: [] });
    }
  }
  const installed: Pkg[] = [];
  for (const name of names) {
    if (!chance(0.45)) continue;
    const same = pkgs.filter((p) => p.name === name);
    const base = pick(same);
    const version = chance(0.7) ? base.version : chance(0.5) ? 0 : base.version + 1;
    installed.push({ name, version: Math.max(1, version), arch: base.arch, repo: 'system', tags: [] });
  }
  const simple = (): string => {
    const target = chance(0.3) ? pick(virtuals) : pick(names);
    if (!chance(0.3)) return target;
    return `${target} ${pick(OPS)} ${1 + int(3)}`;
  };
  const rich = (): string => {
    switch (int(6)) {
      case 0: return `(${simple()} | ${simple()})`;
      case 1: return `(${simple()} & ${simple()})`;
      case 2: return `(${simple()} <IF> ${simple()})`;
      case 3: return `(${simple()} <UNLESS> ${simple()})`;
      case 4: return `(${pick(names)} + ${pick(virtuals)})`;
      default: return `(${pick(names)} - ${pick(virtuals)})`;
    }
  };
  const dep = (): string => (chance(0.2) ? rich() : simple());
  for (const p of [...pkgs, ...installed]) {
    const reqs = int(3);
    for (let k = 0; k < reqs; k++) {
      const d = dep();
      if (!d.startsWith(p.name)) p.tags.push(`Req: ${d}`);
    }
    if (chance(0.35)) p.tags.push(`Prv: ${pick(virtuals)}${chance(0.5) ? ` = ${1 + int(3)}` : ''}`);
    if (chance(0.12)) { const c = simple(); if (!c.startsWith(p.name)) p.tags.push(`Con: ${c}`); }
    if (chance(0.1)) { const o = pick(names); if (o !== p.name) p.tags.push(`Obs: ${o}${chance(0.4) ? ` < ${1 + int(3)}` : ''}`); }
    if (chance(0.15)) p.tags.push(`Rec: ${dep()}`);
    if (chance(0.08)) p.tags.push(`Sug: ${simple()}`);
    if (chance(0.08)) p.tags.push(`Sup: ${simple()}`);
    if (chance(0.05)) p.tags.push(`Enh: ${simple()}`);
  }
  const nevra = (p: Pkg): string => `${p.name}-${p.version}-1.${p.arch}@${p.repo}`;
  const jobs: string[] = [];
  const njobs = 1 + int(2);
  for (let k = 0; k < njobs; k++) {
    const r = int(10);
    if (r < 3) jobs.push(`job install name ${pick(names)}`);
    else if (r < 4) jobs.push(`job install provides ${simple()}`);
    else if (r < 5 && pkgs.length) jobs.push(`job install pkg ${nevra(pick(pkgs))}`);
    else if (r < 6 && installed.length) jobs.push(`job erase name ${pick(installed).name}`);
    else if (r < 7 && installed.length) jobs.push(`job update name ${pick(installed).name}`);
    else if (r < 8) jobs.push('job update all packages');
    else if (r < 9 && installed.length) jobs.push(`job lock name ${pick(installed).name}`);
    else if (chance(0.5)) jobs.push('job distupgrade all packages');
    else jobs.push(`job install name ${pick(names)}`);
  }
  // multiversion jobs (and keepexplicitobsoletes) from a second stream, so the draws above stay as they were
  const mrnd = prng(seed ^ 0x5bd1e995);
  if (mrnd() < 0.3) {
    // mostly an installed name: multiversion matters where another version of the name gets installed
    const pool = installed.length && mrnd() < 0.8 ? installed.map((p) => p.name) : names;
    const target = pool[Math.floor(mrnd() * pool.length)];
    jobs.unshift(mrnd() < 0.75 ? `job multiversion name ${target}` : `job multiversion provides ${virtuals[Math.floor(mrnd() * virtuals.length)]}`);
    if (mrnd() < 0.5) jobs.unshift('solverflags keepexplicitobsoletes');
  }
  // more distupgrades, half of them with an installed orphan (a name no repository carries) pinned to some
  // package's version, most of those with keeporphans. These scenarios give every package its own build time,
  // as rpm-md packages have one: without, libsolv's solvable_identical compares the XOR of the requires' ids,
  // which collides on small pools in ways only its own id numbering reproduces. (A build time shared by two
  // builds of one NEVRA exposes libsolv's keeping of learnt rules across its choice-rule rerun, not modelled.)
  let timed = false;
  if (!jobs.some((j) => j.includes('distupgrade')) && mrnd() < 0.15) { jobs.push('job distupgrade all packages'); timed = true; }
  if (jobs.some((j) => j.includes('distupgrade')) && mrnd() < 0.5) {
    const pin = names[Math.floor(mrnd() * names.length)];
    installed.push({ name: 'Z', version: 1, arch: 'noarch', repo: 'system', tags: [`Req: ${pin}${mrnd() < 0.6 ? ` = ${1 + Math.floor(mrnd() * 3)}-1` : ''}`] });
    if (mrnd() < 0.6) jobs.unshift('solverflags keeporphans');
    timed = true;
  }
  // allowuninstall (the solver flag, or jobs selecting installed packages) from a third stream
  const urnd = prng(seed ^ 0x27d4eb2f);
  if (installed.length && urnd() < 0.25) {
    const u = urnd();
    if (u < 0.5) jobs.unshift('solverflags allowuninstall');
    else if (u < 0.75) jobs.push(`job allowuninstall name ${installed[Math.floor(urnd() * installed.length)].name}`);
    else jobs.push('job allowuninstall all packages');
  }
  // yumobsoletes, mostly with a package split (two other names' packages obsoleting one installed name), from a fourth stream
  const yrnd = prng(seed ^ 0x165667b1);
  if (installed.length && yrnd() < 0.2) {
    jobs.unshift('solverflags yumobsoletes');
    const split = installed[Math.floor(yrnd() * installed.length)].name;
    const others = pkgs.filter((p) => p.name !== split);
    for (let k = 0; k < 2 && others.length && yrnd() < 0.9; k++) others[Math.floor(yrnd() * others.length)].tags.push(`Obs: ${split}`);
  }
  // distupgrades of some packages (a repository, a name, a package), from a sixth stream, before forcebest is drawn
  const drnd = prng(seed ^ 0x7feb352d);
  if (drnd() < 0.2) {
    const d = drnd();
    if (d < 0.4) jobs.push(`job distupgrade repo ${drnd() < 0.6 ? 'available' : 'extra'}`);
    else if (d < 0.8) {
      const from = installed.length && drnd() < 0.7 ? installed : pkgs;
      jobs.push(`job distupgrade name ${from.length ? from[Math.floor(drnd() * from.length)].name : names[0]}`);
    }
    else if (pkgs.length) jobs.push(`job distupgrade pkg ${nevra(pkgs[Math.floor(drnd() * pkgs.length)])}`);
  }
  // multilib: i686 twins of some x86_64 packages (same name, version and tags), half of the time with
  // implicitobsoleteusescolors (as dnf), from a seventh stream
  const crnd = prng(seed ^ 0x1b873593);
  if (crnd() < 0.25) {
    for (const list of [pkgs, installed]) {
      for (const p of [...list]) if (p.arch === 'x86_64' && crnd() < (list === pkgs ? 0.6 : 0.3)) list.push({ ...p, arch: 'i686', tags: [...p.tags] });
    }
    if (crnd() < 0.5) jobs.unshift('poolflags implicitobsoleteusescolors');
  }
  // targeted updates (to a repository package, a name's version, [targeted], noautotarget) and erases of one
  // specific installed package, from a ninth stream
  const trnd = prng(seed ^ 0x3c6ef372);
  if (trnd() < 0.2) {
    const t = trnd();
    if (t < 0.4 && pkgs.length) jobs.push(`job update pkg ${nevra(pkgs[Math.floor(trnd() * pkgs.length)])}${trnd() < 0.3 ? ' [targeted]' : ''}`);
    else if (t < 0.6) jobs.push(`job update name ${names[Math.floor(trnd() * names.length)]} = ${1 + Math.floor(trnd() * 3)}-1`);
    else if (t < 0.8 && installed.length) jobs.push(`job erase pkg ${nevra(installed[Math.floor(trnd() * installed.length)])}`);
    else jobs.push(`job update repo ${trnd() < 0.5 ? 'available' : 'extra'}`);
    if (trnd() < 0.2) jobs.unshift('solverflags noautotarget');
  }
  // blacklists (by name or provides), sometimes with an install naming a version, from a tenth stream
  const lrnd = prng(seed ^ 0x4cf5ad43);
  if (lrnd() < 0.12) {
    const name = names[Math.floor(lrnd() * names.length)];
    jobs.push(lrnd() < 0.6 ? `job blacklist name ${name}` : `job blacklist provides ${virtuals[Math.floor(lrnd() * virtuals.length)]}`);
    if (lrnd() < 0.4) jobs.push(`job install name ${name} = ${1 + Math.floor(lrnd() * 3)}-1`);
  }
  // forcebest on the install/update/distupgrade jobs (some with bestobeypolicy), and vendors (some with
  // allowvendorchange), from a fifth stream
  const brnd = prng(seed ^ 0x2545f491);
  if (brnd() < 0.3) {
    for (let k = 0; k < jobs.length; k++) {
      if (/^job (install|update|distupgrade) /.test(jobs[k]) && brnd() < 0.7) jobs[k] = jobs[k].endsWith(']') ? `${jobs[k].slice(0, -1)},forcebest]` : `${jobs[k]} [forcebest]`;
    }
    if (brnd() < 0.5) jobs.unshift('solverflags bestobeypolicy');
  }
  // weak install / erase / lock jobs (not forcebest ones), from a fifteenth stream
  const wrnd = prng(seed ^ 0x61c88647);
  if (wrnd() < 0.15) {
    for (let k = 0; k < jobs.length; k++) {
      if (!/^job (install|erase|lock) /.test(jobs[k]) || jobs[k].includes('forcebest') || wrnd() < 0.4) continue;
      jobs[k] = jobs[k].endsWith(']') ? `${jobs[k].slice(0, -1)},weak]` : `${jobs[k]} [weak]`;
    }
  }
  // [cleandeps] on install / erase / update / distupgrade jobs, sometimes an erase with it, from a sixteenth stream
  const cdrnd = prng(seed ^ 0x6a09e667);
  // (not beside weak jobs: a weak job dropped beside a cleandeps map is not modelled)
  const cleandeps = installed.length > 0 && cdrnd() < 0.2 && !jobs.some((j) => j.includes('weak'));
  if (cleandeps) {
    for (let k = 0; k < jobs.length; k++) {
      if (!/^job (install|erase|update|distupgrade) /.test(jobs[k]) || cdrnd() < 0.4) continue;
      jobs[k] = jobs[k].endsWith(']') ? `${jobs[k].slice(0, -1)},cleandeps]` : `${jobs[k]} [cleandeps]`;
    }
    if (cdrnd() < 0.5) jobs.push(`job erase name ${installed[Math.floor(cdrnd() * installed.length)].name} [cleandeps]`);
    // an installed package requiring (recommending) another installed one, erased with [cleandeps]
    const others = (p: Pkg): Pkg[] => installed.filter((q) => q.name !== p.name);
    const head = installed[Math.floor(cdrnd() * installed.length)];
    // (an i686 twin shares its name: another name there may be none)
    if (others(head).length && cdrnd() < 0.6) {
      const pick = (): Pkg => others(head)[Math.floor(cdrnd() * others(head).length)];
      head.tags.push(`Req: ${pick().name}`);
      if (cdrnd() < 0.5) head.tags.push(`Rec: ${pick().name}`);
      jobs.push(`job erase name ${head.name} [cleandeps]`);
    }
  }
  if (brnd() < 0.15) {
    for (const p of [...pkgs, ...installed]) if (brnd() < 0.8) p.tags.push(`Vnd: ${brnd() < 0.6 ? 'acme' : 'other'}`);
    if (brnd() < 0.5) jobs.unshift('solverflags allowvendorchange');
  }
  // disabled packages (libsolv's pool->considered), half of the time with whatprovideswithdisabled, from an eighth stream
  const xrnd = prng(seed ^ 0x68e31da4);
  const disable: string[] = [];
  if (xrnd() < 0.15) {
    const all = [...pkgs, ...installed];
    for (let k = 1 + Math.floor(xrnd() * 2); k > 0 && all.length; k--) disable.push(`disable pkg ${nevra(all[Math.floor(xrnd() * all.length)])}`);
    if (xrnd() < 0.5) disable.push('poolflags whatprovideswithdisabled');
  }
  // strongrecommends (simple recommends only: rich ones are not modelled with it), from an eleventh stream
  const srnd = prng(seed ^ 0x0bad5eed);
  if (srnd() < 0.12 && ![...pkgs, ...installed].some((p) => p.tags.some((t) => t.startsWith('Rec: ('))) && !jobs.some((j) => j.includes('disfavor'))) jobs.unshift('solverflags strongrecommends');
  // excludefromweak (by name or provides), from a twelfth stream
  const erand = prng(seed ^ 0x5851f42d);
  if (erand() < 0.12) jobs.push(erand() < 0.6 ? `job excludefromweak name ${names[Math.floor(erand() * names.length)]}` : `job excludefromweak provides ${virtuals[Math.floor(erand() * virtuals.length)]}`);
  // strictrepopriority, from a thirteenth stream
  if (prng(seed ^ 0x2127599b)() < 0.1) jobs.unshift('solverflags strictrepopriority');
  // verify jobs (all packages, or one installed name), from a fourteenth stream
  const vrnd = prng(seed ^ 0x1f123bb5);
  if (installed.length && vrnd() < 0.1) jobs.push(vrnd() < 0.5 ? 'job verify all packages' : `job verify name ${installed[Math.floor(vrnd() * installed.length)].name}`);
  // focusbest, from an eighteenth stream
  if (prng(seed ^ 0x9b05688c)() < 0.1) jobs.unshift('solverflags focusbest');
  // Debian's disttype (noarch spelt all; unversioned obsoletes: versioned ones are not modelled under it), from a
  // nineteenth stream
  const deb = prng(seed ^ 0x1f83d9ab)() < 0.1;
  const toDeb = (line: string): string => (deb ? line.replace(/\.noarch@/g, '.all@') : line);
  if (deb) {
    for (const p of [...pkgs, ...installed]) {
      if (p.arch === 'noarch') p.arch = 'all';
      p.tags = p.tags.map((t) => (t.startsWith('Obs: ') ? t.replace(/ [<>=]+ .*$/, '') : t));
    }
  }
  let built = 1_600_000_000;
  if (timed) for (const p of [...pkgs, ...installed]) p.tags.push(`Tim: ${built++}`);
  // versions 1…3 written as rpm versions with ~ and ^ (each pair of them compares unequal), from a seventeenth stream
  const grnd = prng(seed ^ 0x510e527f);
  const version = (v: number): string => String(v);
  let spell = version;
  if (grnd() < 0.15) {
    const ladder = [...VERSION_LADDER];
    const chosen = [1, 2, 3].map(() => ladder.splice(Math.floor(grnd() * ladder.length), 1)[0]);
    spell = (v) => chosen[v - 1] ?? String(v);
  }
  // a version in a dependency (`OP N`), a job's `= N-1`, or a NEVRA's `-N-1.ARCH@`
  const respell = (text: string): string => (spell === version ? text : text
    .replace(/([<>=]) ([1-3])\b/g, (_, op: string, v: string) => `${op} ${spell(Number(v))}`)
    .replace(/-([1-3])-1\.(noarch|all|x86_64|i686)@/g, (_, v: string, arch: string) => `-${spell(Number(v))}-1.${arch}@`));
  const repo = (list: Pkg[]): string => list.map((p) => [`#>=Pkg: ${p.name} ${spell(p.version)} 1 ${p.arch}`, ...p.tags.map((t) => `#>=${respell(t)}`)].join('\n')).join('\n');
  const byRepo = (name: string): Pkg[] => pkgs.filter((p) => p.repo === name);
  return [
    `# scenario ${seed}`,
    'repo system 0 testtags <inline>', repo(installed),
    'repo available 0 testtags <inline>', repo(byRepo('available')),
    `repo extra ${extraPrio} testtags <inline>`, repo(byRepo('extra')),
    `system x86_64 ${deb ? 'deb' : 'rpm'} system`,
    ...disable.map((l) => respell(toDeb(l))),
    ...jobs.map((l) => respell(toDeb(l))),
    `result transaction,problems${cleandeps ? ',cleandeps' : ''} <inline>`,
    '',
  ].filter((l) => l !== '').join('\n') + '\n';
}
