/**
 * libsolv's testcase dependency syntax (ext/repo_testcase.c testcase_str2dep), which testtags repos and `job …
 * provides` use instead of rpm's: `A >= 1`, `(A | B)`, `(A & B)`, `(A + B)` (with), `(A - B)` (without),
 * `(A <IF> B)`, `(A <UNLESS> B)`, `<ELSE>`. Operators chain to the right, without precedence, as in libsolv.
 * Malformed text throws DEP_PARSE; what testsolv reads but the solver does not model (`<NAMESPACE>`, `.` arch,
 * `<>`, …) throws SOLVER_UNSUPPORTED.
 */
import { FerryError } from '../core/errors.js';
import { formatEvr, parseEvr } from '../rpm/evr.js';
import { MAX_RICH_DEPTH, type DepTree } from '../rpm/deps.js';
import type { DepFlag } from '../rpm/types.js';

type Node = { name: string } | { op: string; left: Node; right: Node };

// oplist in repo_testcase.c, in its matching order.
const OPS = ['=', '<=>', '<=', '>=', '>', '<>', '&', '|', '+', '-', '<NAMESPACE>', '.', '<MULTIARCH>', '<FILECONFLICT>',
  '<IF>', 'compat >=', '<KIND>', '<ELSE>', '<ERROR>', '<UNLESS>', '<CONDA>', '<'];
const RELATIONS: Readonly<Partial<Record<string, DepFlag>>> = { '=': 'EQ', '<=': 'LE', '>=': 'GE', '>': 'GT', '<': 'LT' };
const MAX_CHAIN = 4096;
const RELOPS = new Set(['=', '<=>', '<=', '>=', '>', '<>', '<']);

export function parseTestcaseDep(text: string): DepTree {
  const t = text;
  let s = 0;
  const fail = (why: string): FerryError => new FerryError('DEP_PARSE', `dependency "${text}" ${why} (testcase syntax, libsolv ext/repo_testcase.c)`, {
    hint: 'rich dependencies in testcases are written (A | B), (A & B), (A <IF> B), (A <UNLESS> B), (A + B), (A - B)',
  });
  const skip = (): void => { while (t[s] === ' ' || t[s] === '\t') s++; };
  const simple = (): string => {
    const start = s;
    let paren = 0;
    for (; s < t.length; s++) {
      const c = t[s];
      if (c === ' ' || c < ' ') break;
      if (c === '(') paren++;
      if (c === ')' && paren-- <= 0) break;
    }
    if (s === start) throw fail(`has an empty name at offset ${start}`);
    return t.slice(start, s);
  };
  // operators chain by recursion, as in libsolv: both the nesting and the chain are bounded to keep the stack
  const complex = (relop: boolean, depth: number, chain: number): Node => {
    skip();
    let id: Node;
    if (chain >= MAX_CHAIN) throw fail(`chains more than ${MAX_CHAIN} operators at offset ${s}`);
    if (t[s] === '(') {
      if (depth >= MAX_RICH_DEPTH) throw fail(`nests deeper than ${MAX_RICH_DEPTH} levels at offset ${s}`);
      s++;
      id = complex(false, depth + 1, chain);
      if (t[s] !== ')') throw fail(`misses a ")" at offset ${s}`);
      s++;
    } else id = { name: simple() };
    for (;;) {
      skip();
      if (s >= t.length || t[s] === ')' || (relop && !t.startsWith('compat >= ', s))) return id;
      const op = OPS.find((o) => t.startsWith(o, s));
      if (op === undefined) throw fail(`has no operator at offset ${s}`);
      s += op.length;
      id = { op, left: id, right: complex(RELOPS.has(op), depth, chain + 1) };
    }
  };
  const root = complex(false, 0, 0);
  if (s !== t.length) throw fail(`has trailing text at offset ${s}`);
  const chain = (n: Node, op: string): DepTree[] => ('op' in n && n.op === op ? [...chain(n.left, op), ...chain(n.right, op)] : [tree(n)]);
  const tree = (n: Node): DepTree => {
    if (!('op' in n)) return { type: 'simple', name: n.name };
    const flags = RELATIONS[n.op];
    if (flags) {
      if ('op' in n.left || 'op' in n.right) throw new FerryError('SOLVER_UNSUPPORTED', `dependency "${text}" nests a relation under "${n.op}", which the solver does not model`);
      return { type: 'simple', name: n.left.name, flags, evr: parseEvr(n.right.name) };
    }
    switch (n.op) {
      case '&': return { type: 'and', operands: chain(n, '&') };
      case '|': return { type: 'or', operands: chain(n, '|') };
      case '+': return { type: 'with', operands: chain(n, '+') };
      case '-': return { type: 'without', left: tree(n.left), right: tree(n.right) };
      case '<IF>': case '<UNLESS>': {
        const type = n.op === '<IF>' ? 'if' : 'unless';
        if ('op' in n.right && n.right.op === '<ELSE>') return { type, left: tree(n.left), condition: tree(n.right.left), otherwise: tree(n.right.right) };
        return { type, left: tree(n.left), condition: tree(n.right) };
      }
      default: throw new FerryError('SOLVER_UNSUPPORTED', `dependency "${text}" uses the testcase operator "${n.op}", which the solver does not model`);
    }
  };
  return tree(root);
}

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
