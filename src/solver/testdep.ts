/**
 * libsolv's testcase dependency syntax (ext/repo_testcase.c testcase_str2dep), which testtags repos and `job …
 * provides` use instead of rpm's: `A >= 1`, `(A | B)`, `(A & B)`, `(A + B)` (with), `(A - B)` (without),
 * `(A <IF> B)`, `(A <UNLESS> B)`, `<ELSE>`. Operators chain to the right, without precedence, as in libsolv.
 * parseDepId reads a text to libsolv's own dependency ids (strings with their \xx escapes, `<NULL>`, the
 * `namespace:N(…)` and `N:any` shorthands, `<NUMBER>` relations) and formatDepId writes them back
 * (testcase_dep2str); parseTestcaseDep is the same parse as the solver's DepTree. Malformed text throws DEP_PARSE;
 * what testsolv reads but the solver does not model (`<NAMESPACE>`, `.` arch, `<>`, …) throws SOLVER_UNSUPPORTED.
 */
import { FerryError } from '../core/errors.js';
import { formatEvr, parseEvr } from '../rpm/evr.js';
import { MAX_RICH_DEPTH, type DepTree } from '../rpm/deps.js';
import type { DepFlag } from '../rpm/types.js';

/**
 * A dependency as libsolv's pool holds it: a string id (pool_str2id; '' is ID_EMPTY), null for ID_NULL
 * (`<NULL>`), or a relation (pool_rel2id) of two with libsolv's REL_* flags (src/pool.h).
 */
export type DepId = null | DepString | DepRel;
export interface DepString { readonly lit: string }
export interface DepRel { readonly flags: number; readonly name: DepId; readonly evr: DepId }

/** oplist in repo_testcase.c, in its matching order, with the REL_* flags of each. */
const OPS: readonly (readonly [string, number])[] = [['=', 2], ['<=>', 7], ['<=', 6], ['>=', 3], ['>', 1], ['<>', 5], ['&', 16], ['|', 17],
  ['+', 18], ['-', 28], ['<NAMESPACE>', 19], ['.', 20], ['<MULTIARCH>', 25], ['<FILECONFLICT>', 21], ['<IF>', 22], ['compat >=', 23],
  ['<KIND>', 24], ['<ELSE>', 26], ['<ERROR>', 27], ['<UNLESS>', 29], ['<CONDA>', 30], ['<', 4]];
const REL = { AND: 16, OR: 17, WITH: 18, NAMESPACE: 19, COND: 22, COMPAT: 23, MULTIARCH: 25, ELSE: 26, WITHOUT: 28, UNLESS: 29 } as const;
const RELATIONS: Readonly<Partial<Record<number, DepFlag>>> = { 2: 'EQ', 6: 'LE', 3: 'GE', 1: 'GT', 4: 'LT' };
const MAX_CHAIN = 4096;

/** The operator text of REL_* flags (dump_genid's `op` names), undefined for flags no operator has. */
export function relOpName(flags: number): string | undefined {
  return OPS.find(([, f]) => f === flags)?.[0];
}

/** The REL_* flags of the operator `text` starts with, in oplist's order (testcase_read's `genid op`). */
export function relOpFlags(text: string): number | undefined {
  return OPS.find(([o]) => text.startsWith(o))?.[1];
}

const isRel = (id: DepId): id is DepRel => id !== null && 'flags' in id;
const HEX = /^[0-9a-fA-F]{2}/;

/** testcase_str2dep: the dependency ids of a text. */
export function parseDepId(text: string): DepId {
  const t = text;
  let s = 0;
  const fail = (why: string): FerryError => new FerryError('DEP_PARSE', `dependency "${text}" ${why} (testcase syntax, libsolv ext/repo_testcase.c)`, {
    hint: 'rich dependencies in testcases are written (A | B), (A & B), (A <IF> B), (A <UNLESS> B), (A + B), (A - B)',
  });
  const skip = (): void => { while (t[s] === ' ' || t[s] === '\t') s++; };
  // testcase_str2dep_simple: a name ends at a blank, a control character or an unbalanced ")"; \xx is a byte
  const simple = (isName: boolean): DepId => {
    const start = s;
    let paren = 0;
    let escaped = false;
    for (; s < t.length; s++) {
      const c = t[s];
      if (c === '\\') escaped = true;
      if (c === ' ' || c < ' ') break;
      if (c === '(') paren++;
      if (c === ')' && paren-- <= 0) break;
    }
    const any = isName && s - start > 4 && t.startsWith(':any', s - 4);
    const raw = t.slice(start, any ? s - 4 : s);
    let id: DepId;
    if (!escaped) id = raw === '<NULL>' ? null : { lit: raw };
    else if (raw === '\\00') id = { lit: '' };
    else {
      let out = '';
      for (let k = 0; k < raw.length; k++) {
        const hex = raw[k] === '\\' ? HEX.exec(raw.slice(k + 1)) : null;
        if (hex) { out += String.fromCharCode(Number.parseInt(hex[0], 16)); k += 2; } else out += raw[k];
      }
      const nul = out.indexOf('\0');
      id = { lit: nul < 0 ? out : out.slice(0, nul) };
    }
    return any ? { flags: REL.MULTIARCH, name: id, evr: { lit: 'any' } } : id;
  };
  // operators chain by recursion, as in libsolv: both the nesting and the chain are bounded to keep the stack
  const complex = (relop: boolean, depth: number, chain: number): DepId => {
    skip();
    if (chain >= MAX_CHAIN) throw fail(`chains more than ${MAX_CHAIN} operators at offset ${s}`);
    let namespace: string | undefined;
    if (t.startsWith('namespace:', s)) {
      const open = t.indexOf('(', s + 10);
      if (open >= 0) { namespace = t.slice(s, open); s = open; }
    }
    let id: DepId;
    if (t[s] === '(') {
      if (depth >= MAX_RICH_DEPTH) throw fail(`nests deeper than ${MAX_RICH_DEPTH} levels at offset ${s}`);
      s++;
      id = complex(false, depth + 1, chain);
      if (t[s] !== ')') throw fail(`misses a ")" at offset ${s}`);
      s++;
    } else id = simple(!relop);
    if (namespace !== undefined) id = { flags: REL.NAMESPACE, name: { lit: namespace }, evr: id };
    for (;;) {
      skip();
      if (s >= t.length || t[s] === ')' || (relop && !t.startsWith('compat >= ', s))) return id;
      let flags: number | undefined;
      const numeric = /^<(\d+)>/.exec(t.slice(s, s + 12));
      if (numeric) { flags = Number(numeric[1]); s += numeric[0].length; }
      if (flags === undefined) {
        const op = OPS.find(([o]) => t.startsWith(o, s));
        if (op === undefined) throw fail(`has no operator at offset ${s}`);
        flags = op[1];
        s += op[0].length;
      }
      id = { flags, name: id, evr: complex(flags > 0 && flags < 8, depth, chain + 1) };
    }
  };
  const root = complex(false, 0, 0);
  if (s !== t.length) throw fail(`has trailing text at offset ${s}`);
  return root;
}

/** testcase_id2str: a string id as the testcase syntax writes it, escaped where it would not read back. */
function formatStringId(id: DepString | null, isName: boolean): string {
  if (id === null) return '<NULL>';
  let str = id.lit;
  if (str === '') return '\\00';
  const special = (c: string | undefined): boolean => c !== undefined && '[(<=>!'.includes(c);
  let bad = 0;
  let paren = 0;
  let parenBad = 0;
  if (special(str[0])) bad++;
  if (str.startsWith('namespace:')) bad++;
  for (let k = bad; k < str.length; k++) {
    const c = str[k];
    if (c === ' ' || c === '\\' || c < ' ' || c === '(' || c === ')') bad++;
    if (c === '(') paren = paren === 0 ? 1 : -1;
    else if (c === ')') { paren = paren === 1 ? 0 : -1; if (!paren) parenBad += 2; }
  }
  if (isName && str.length > 4 && str.endsWith(':any')) bad++;
  if (!paren && !(bad - parenBad)) return str;
  let out = '';
  if (str.startsWith('namespace:')) { out = 'namespace\\3a'; str = str.slice(10); }
  for (let k = 0; k < str.length; k++) {
    const c = str[k];
    if ((k === 0 && special(c)) || c === ' ' || c === '\\' || c < ' ' || c === '(' || c === ')') out += `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += c;
  }
  if (isName && out.length > 4 && out.endsWith(':any')) out = `${out.slice(0, -4)}\\3aany`;
  return out;
}

/** testcase_dep2str: dependency ids in the testcase syntax, read back equal by parseDepId. */
export function formatDepId(id: DepId): string {
  const complex = (d: DepId, addParens: boolean): string => {
    if (!isRel(d)) return formatStringId(d, true);
    if (d.flags === REL.NAMESPACE && d.name !== null && !isRel(d.name) && d.name.lit.startsWith('namespace:')) return `${d.name.lit}(${complex(d.evr, false)})`;
    if (d.flags === REL.MULTIARCH && d.name !== null && !isRel(d.name) && d.evr !== null && !isRel(d.evr) && d.evr.lit === 'any') return `${formatStringId(d.name, true)}:any`;
    let nameParens = false;
    if (isRel(d.name)) nameParens = !(d.flags > 7 && d.flags !== REL.COMPAT && d.name.flags && d.name.flags <= 7);
    const op = relOpName(d.flags);
    let out = (addParens ? '(' : '') + complex(d.name, nameParens) + (op ? ` ${op} ` : ` <${d.flags}> `);
    if (!isRel(d.evr)) out += formatStringId(d.evr, false);
    else {
      const e = d.evr.flags;
      const chained = (d.flags > 7 && e && e <= 7) || (d.flags === REL.AND && e === REL.AND) || (d.flags === REL.OR && e === REL.OR) || (d.flags > 0 && d.flags < 8 && e === REL.COMPAT);
      out += complex(d.evr, !chained);
    }
    return addParens ? `${out})` : out;
  };
  return complex(id, false);
}

export function parseTestcaseDep(text: string): DepTree {
  const opText = (flags: number): string => relOpName(flags) ?? `<${flags}>`;
  const chain = (n: DepId, flags: number): DepTree[] => (isRel(n) && n.flags === flags ? [...chain(n.name, flags), ...chain(n.evr, flags)] : [tree(n)]);
  const name = (n: DepId): string => {
    if (n === null) throw new FerryError('SOLVER_UNSUPPORTED', `dependency "${text}" names <NULL>, which the solver does not model`);
    if (isRel(n)) throw new FerryError('SOLVER_UNSUPPORTED', `dependency "${text}" nests a relation under a version, which the solver does not model`);
    if (n.lit === '') throw new FerryError('DEP_PARSE', `dependency "${text}" has an empty name (testcase syntax, libsolv ext/repo_testcase.c)`);
    return n.lit;
  };
  const tree = (n: DepId): DepTree => {
    if (!isRel(n)) return { type: 'simple', name: name(n) };
    const flags = RELATIONS[n.flags];
    if (flags) {
      if (isRel(n.name) || isRel(n.evr)) throw new FerryError('SOLVER_UNSUPPORTED', `dependency "${text}" nests a relation under "${opText(n.flags)}", which the solver does not model`);
      return { type: 'simple', name: name(n.name), flags, evr: parseEvr(name(n.evr)) };
    }
    switch (n.flags) {
      case REL.AND: return { type: 'and', operands: chain(n, REL.AND) };
      case REL.OR: return { type: 'or', operands: chain(n, REL.OR) };
      case REL.WITH: return { type: 'with', operands: chain(n, REL.WITH) };
      case REL.WITHOUT: return { type: 'without', left: tree(n.name), right: tree(n.evr) };
      case REL.COND: case REL.UNLESS: {
        const type = n.flags === REL.COND ? 'if' : 'unless';
        if (isRel(n.evr) && n.evr.flags === REL.ELSE) return { type, left: tree(n.name), condition: tree(n.evr.name), otherwise: tree(n.evr.evr) };
        return { type, left: tree(n.name), condition: tree(n.evr) };
      }
      default: throw new FerryError('SOLVER_UNSUPPORTED', `dependency "${text}" uses the testcase operator "${opText(n.flags)}", which the solver does not model`);
    }
  };
  return tree(parseDepId(text));
}

/** A dependency as a DepId: relations nest to the right, as testcase_str2dep reads `A & B & C`. */
export function treeToId(t: DepTree): DepId {
  const rel = (name: DepId, evr: DepId, flags: number): DepId => ({ flags, name, evr });
  const chain = (parts: readonly DepTree[], flags: number): DepId => (parts.length === 1 ? treeToId(parts[0]) : rel(treeToId(parts[0]), chain(parts.slice(1), flags), flags));
  switch (t.type) {
    case 'simple': return t.flags && t.evr ? { flags: FLAG_BITS[t.flags], name: { lit: t.name }, evr: { lit: formatEvr(t.evr) } } : { lit: t.name };
    case 'and': return chain(t.operands, REL.AND);
    case 'or': return chain(t.operands, REL.OR);
    case 'with': return chain(t.operands, REL.WITH);
    case 'without': return rel(treeToId(t.left), treeToId(t.right), REL.WITHOUT);
    case 'if': case 'unless': {
      const cond = t.otherwise ? rel(treeToId(t.condition), treeToId(t.otherwise), REL.ELSE) : treeToId(t.condition);
      return rel(treeToId(t.left), cond, t.type === 'if' ? REL.COND : REL.UNLESS);
    }
  }
}

const FLAG_BITS: Readonly<Record<DepFlag, number>> = { EQ: 2, LE: 6, GE: 3, GT: 1, LT: 4 };

const FLAG_TEXT: Readonly<Record<DepFlag, string>> = { EQ: '=', LE: '<=', GE: '>=', GT: '>', LT: '<' };

/** A dependency in testcase syntax (testcase_dep2str), read back equal by parseTestcaseDep. */
export function formatTestcaseDep(tree: DepTree): string {
  const inner = formatTestcaseDep;
  switch (tree.type) {
    case 'simple': return tree.flags && tree.evr ? `${tree.name} ${FLAG_TEXT[tree.flags]} ${formatEvr(tree.evr)}` : tree.name;
    case 'and': return `(${tree.operands.map(inner).join(' & ')})`;
    case 'or': return `(${tree.operands.map(inner).join(' | ')})`;
    case 'with': return `(${tree.operands.map(inner).join(' + ')})`;
    case 'without': return `(${inner(tree.left)} - ${inner(tree.right)})`;
    case 'if': case 'unless': {
      const op = tree.type === 'if' ? '<IF>' : '<UNLESS>';
      const tail = tree.otherwise ? `${inner(tree.condition)} <ELSE> ${inner(tree.otherwise)}` : inner(tree.condition);
      return `(${inner(tree.left)} ${op} ${tail})`;
    }
  }
}
