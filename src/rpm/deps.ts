import { assert, FerryError } from '../core/errors.js';
import { formatEvr, rpmvercmp } from './evr.js';
import type { Dep, DepFlag, Evr } from './types.js';

/**
 * Dependency expressions: `name`, `name op evr` and rpm's rich (boolean) dependencies, parsed into a typed
 * tree following rpm 4.18's rpmrichParse (lib/rpmds.c): the same tokenizer (whitespace and `,` separate;
 * a name may hold balanced parentheses, `perl(Foo::Bar)`), the same chaining rules (only `and`, `or` and
 * `with` chain; `if`/`unless` take at most one `else`; `with`/`without` only over names, `or` and nested
 * `with`/`without`), and, when a tag is given, rpmbuild's context rules (no `unless` under Requires, no `if`
 * under Conflicts). One deliberate difference: rpm's grammar accepts a bare `(a else b)`, which means
 * nothing to any solver; it is rejected here.
 */
export type DepTree = SimpleDep | ChainDep | CondDep | WithoutDep;

export interface SimpleDep {
  type: 'simple';
  name: string;
  flags?: DepFlag;
  evr?: Evr;
}
/** `(a and b and …)`, `(a or b or …)`, `(a with b with …)`: two or more operands. */
export interface ChainDep {
  type: 'and' | 'or' | 'with';
  operands: DepTree[];
}
/** `(left if condition [else otherwise])`, `(left unless condition [else otherwise])`. */
export interface CondDep {
  type: 'if' | 'unless';
  left: DepTree;
  condition: DepTree;
  otherwise?: DepTree;
}
export interface WithoutDep {
  type: 'without';
  left: DepTree;
  right: DepTree;
}

/** The dependency kind, for rpmbuild's context checks (rpmrichParseForTag). */
export type DepTag = 'requires' | 'recommends' | 'suggests' | 'supplements' | 'enhances' | 'conflicts';

export interface ParseDepOptions {
  /** Apply rpmbuild's context rules for this kind of dependency; without it, parse like rpm at install time. */
  tag?: DepTag;
}

type RichOp = 'and' | 'or' | 'if' | 'unless' | 'else' | 'with' | 'without';
const RICH_OPS: ReadonlySet<string> = new Set(['and', 'or', 'if', 'unless', 'else', 'with', 'without']);

const OPERATORS: Readonly<Record<string, DepFlag>> = {
  '<=': 'LE', '=<': 'LE', '<': 'LT', '==': 'EQ', '=': 'EQ', '>=': 'GE', '=>': 'GE', '>': 'GT',
};
const FLAG_TEXT: Readonly<Record<DepFlag, string>> = { EQ: '=', LT: '<', LE: '<=', GT: '>', GE: '>=' };

// rpmrichParse's context flags
const CHECK = 1;
const NO_WITH = 2;
const NO_AND = 4;
const NO_OR = 8;

/** rpm's risspace, plus the `,` that SKIPWHITE also skips. */
function isWhite(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r' || c === ',';
}

/**
 * How deeply rich dependencies may nest. rpm sets no bound; real metadata nests a few levels, and a bound keeps
 * hostile input (thousands of nested parentheses) a DEP_PARSE error instead of a stack overflow here and in
 * the solver's expansion.
 */
export const MAX_RICH_DEPTH = 256;

/** Parses a dependency expression; malformed input throws DEP_PARSE naming the input and the position. */
export function parseDep(text: string, options: ParseDepOptions = {}): DepTree {
  const s = text;
  let pos = 0;

  const fail = (why: string, at: number): never => {
    throw new FerryError('DEP_PARSE', `dependency "${text}": ${why} at position ${at}`, {
      details: { dependency: text, position: at },
    });
  };
  const skipWhite = (): void => {
    while (pos < s.length && isWhite(s[pos])) pos++;
  };
  /** rpm's SKIPNONWHITEX: up to whitespace, `,` or an unbalanced `)`. */
  const skipToken = (from: number): number => {
    let p = from;
    let depth = 0;
    while (p < s.length && !isWhite(s[p])) {
      if (s[p] === ')' && depth-- <= 0) break;
      if (s[p++] === '(') depth++;
    }
    return p;
  };

  const parseEvrText = (evr: string, at: number): Evr => {
    let rest = evr;
    let epoch = 0;
    const m = /^(\d*):/.exec(rest);
    if (m) {
      epoch = m[1] === '' ? 0 : Number(m[1]);
      if (!Number.isSafeInteger(epoch)) fail(`epoch of "${evr}" is too large`, at);
      rest = rest.slice(m[0].length);
    }
    if (rest.includes(':')) fail(`version "${evr}": the epoch must be an unsigned integer`, at);
    const dash = rest.indexOf('-');
    if (dash >= 0 && rest.indexOf('-', dash + 1) >= 0) fail(`version "${evr}" has more than one "-"`, at);
    return dash < 0 ? { epoch, version: rest } : { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
  };

  /** `name [op evr]` (rpm's parseSimpleDep); leaves pos after the last token it consumed. */
  const parseSimple = (): SimpleDep => {
    const start = pos;
    const nameEnd = skipToken(pos);
    if (nameEnd === start) fail(pos >= s.length ? 'missing operand (unexpected end)' : 'name required', pos);
    const node: SimpleDep = { type: 'simple', name: s.slice(start, nameEnd) };
    pos = nameEnd;
    skipWhite();
    if (pos < s.length) {
      const opEnd = skipToken(pos);
      const flags = OPERATORS[s.slice(pos, opEnd)];
      if (flags !== undefined) {
        pos = opEnd;
        skipWhite();
        const evrStart = pos;
        pos = skipToken(pos);
        if (pos === evrStart) fail(`version required after "${FLAG_TEXT[flags]}"`, evrStart);
        node.flags = flags;
        const evrText = s.slice(evrStart, pos);
        // rpmbuild's rpmCharCheck on versions: letters, digits and ".-_+:%{}~^" only, and no ".."
        if (options.tag !== undefined && (!/^[A-Za-z0-9._+:%{}~^-]*$/.test(evrText) || evrText.includes('..'))) {
          fail(`illegal character or ".." in version "${evrText}"`, evrStart);
        }
        node.evr = parseEvrText(evrText, evrStart);
      }
    }
    return node;
  };

  const checkContext = (op: RichOp | undefined, check: number, at: number): void => {
    if ((op === 'with' || op === 'without') && (check & NO_WITH) !== 0) {
      fail(`"${op}" may only combine names, "or" and nested "with"/"without" (rpm: illegal ops in with/without)`, at);
    }
    if ((check & CHECK) === 0) return;
    if ((op === 'and' || op === 'if') && (check & NO_AND) !== 0) {
      fail(`illegal context for "unless", use "or" instead`, at);
    }
    if ((op === 'or' || op === 'unless') && (check & NO_OR) !== 0) {
      fail(`illegal context for "if", use "and" instead`, at);
    }
  };

  /** One parenthesised group (rpmrichParseInternal); returns the tree and the context flags it sets. */
  const parseGroup = (checkIn: number, depth: number): { tree: DepTree; check: number } => {
    const start = pos;
    if (depth > MAX_RICH_DEPTH) fail(`rich dependency nests deeper than ${MAX_RICH_DEPTH} levels`, pos);
    pos++; // '('
    let check = checkIn;
    const operands: DepTree[] = [];
    const ops: RichOp[] = [];
    let op: RichOp | undefined;
    let chainop: RichOp | undefined;
    for (;;) {
      skipWhite();
      if (s[pos] === ')') fail(chainop ? `missing operand after "${chainop}"` : 'empty rich dependency "()"', pos);
      if (s[pos] === '(') {
        const sub = parseGroup(check & CHECK, depth + 1);
        let subcheck = sub.check;
        if (op === 'if' || op === 'unless') subcheck &= ~(NO_AND | NO_OR);
        check |= subcheck;
        operands.push(sub.tree);
      } else {
        operands.push(parseSimple());
      }
      skipWhite();
      if (pos >= s.length) fail(`unterminated rich dependency: missing ")" for "(" at position ${start}`, pos);
      if (s[pos] === ')') break;
      const opStart = pos;
      let opEnd = pos;
      // rpm's parseRichDepOp stops only at whitespace and ')': "and,b" is one (unknown) token
      while (opEnd < s.length && (s[opEnd] === ',' || !isWhite(s[opEnd])) && s[opEnd] !== ')') opEnd++;
      const word = s.slice(opStart, opEnd);
      if (!RICH_OPS.has(word)) fail(`unknown rich dependency operator "${word}"`, opStart);
      op = word as RichOp;
      if (op === 'else' && chainop === undefined) fail('"else" without "if" or "unless"', opStart);
      if (op === 'else' && (chainop === 'if' || chainop === 'unless')) chainop = undefined;
      if (chainop !== undefined && op !== chainop) fail(`cannot chain "${op}" after "${chainop}" without parentheses`, opStart);
      if (chainop !== undefined && op !== 'and' && op !== 'or' && op !== 'with') {
        fail(`only "and", "or" and "with" can be chained, not "${op}"`, opStart);
      }
      chainop = op;
      ops.push(op);
      pos = opEnd;
    }
    const firstop = ops[0];
    checkContext(firstop, check, start);
    if (firstop === 'if') check |= NO_OR;
    if (firstop === 'unless') check |= NO_AND;
    if (op === 'and' || op === 'or') check &= ~(NO_AND | NO_OR);
    if (op !== undefined && op !== 'with' && op !== 'without' && op !== 'or') check |= NO_WITH;
    pos++; // ')'
    return { tree: buildNode(operands, ops), check };
  };

  skipWhite();
  if (pos >= s.length) fail('empty dependency', pos);
  let tree: DepTree;
  if (s[pos] === '(') {
    const top = parseGroup(options.tag === undefined ? 0 : CHECK, 1);
    if (options.tag !== undefined) {
      const weakReverse = options.tag === 'conflicts' || options.tag === 'supplements' || options.tag === 'enhances';
      checkContext(weakReverse ? 'or' : 'and', top.check, 0);
    }
    tree = top.tree;
  } else {
    tree = parseSimple();
  }
  skipWhite();
  if (pos < s.length) fail(`unexpected "${s.slice(pos, pos + 20)}" after the dependency`, pos);
  return tree;
}

function buildNode(operands: DepTree[], ops: RichOp[]): DepTree {
  const first = ops[0];
  if (first === undefined) return operands[0];
  if (first === 'and' || first === 'or' || first === 'with') return { type: first, operands };
  if (first === 'without') return { type: 'without', left: operands[0], right: operands[1] };
  if (first === 'if' || first === 'unless') {
    const node: CondDep = { type: first, left: operands[0], condition: operands[1] };
    if (operands.length === 3) node.otherwise = operands[2];
    return node;
  }
  assert(false, `rich dependency starting with "${first}" passed the parser`);
}

function formatEvrForDep(evr: Evr): string {
  // "0:" alone would print as nothing and no longer parse as a version
  return formatEvr(evr, { alwaysEpoch: evr.version === '' && evr.release === undefined });
}

/** Formats a tree the way rpm prints dependencies: `name op evr`, rich ones parenthesised; re-parses equal. */
export function formatDep(tree: DepTree): string {
  switch (tree.type) {
    case 'simple':
      return tree.flags !== undefined && tree.evr !== undefined
        ? `${tree.name} ${FLAG_TEXT[tree.flags]} ${formatEvrForDep(tree.evr)}`
        : tree.name;
    case 'and':
    case 'or':
    case 'with':
      return `(${tree.operands.map(formatDep).join(` ${tree.type} `)})`;
    case 'if':
    case 'unless':
      return `(${formatDep(tree.left)} ${tree.type} ${formatDep(tree.condition)}${
        tree.otherwise !== undefined ? ` else ${formatDep(tree.otherwise)}` : ''})`;
    case 'without':
      return `(${formatDep(tree.left)} without ${formatDep(tree.right)})`;
  }
}

/** Whether a dependency is rich (rpm's rpmdsIsRich: its name starts with `(`). */
export function isRichDep(dep: Dep): boolean {
  return dep.name.startsWith('(');
}

/**
 * Converts a repodata `<rpm:entry>` into a tree: a rich dependency (whole expression in `name`) is parsed
 * like rpm does at install time (no rpmbuild context rules); a simple one keeps its flags and EVR.
 */
export function depFromEntry(dep: Dep): DepTree {
  if (isRichDep(dep)) {
    if (dep.flags !== undefined) {
      throw new FerryError('DEP_PARSE', `dependency "${dep.name}": a rich dependency cannot carry a version operator`);
    }
    return parseDep(dep.name);
  }
  if (dep.name === '' || /\s/.test(dep.name)) {
    throw new FerryError('DEP_PARSE', `dependency "${dep.name}": a name must be non-empty and without whitespace`);
  }
  const node: SimpleDep = { type: 'simple', name: dep.name };
  if (dep.flags !== undefined && dep.evr !== undefined) {
    node.flags = dep.flags;
    node.evr = dep.evr;
  }
  return node;
}

const LESS = 2;
const GREATER = 4;
const EQUAL = 8;
const SENSE: Readonly<Record<DepFlag, number>> = {
  EQ: EQUAL, LT: LESS, LE: LESS | EQUAL, GT: GREATER, GE: GREATER | EQUAL,
};

/**
 * Whether a provide satisfies a require of the same name, with rpm's range-overlap semantics
 * (rpmdsCompare + rpmverOverlap): an unversioned side always overlaps; epochs compare numerically (missing
 * is 0); when versions are equal and one side has no release, they overlap if that side includes EQUAL.
 * Rich requires never match a single provide (evaluate the tree instead).
 */
export function matchesDep(provide: Dep, require: Dep): boolean {
  if (provide.name !== require.name) return false;
  if (provide.flags === undefined || require.flags === undefined) return true;
  const a = provide.evr;
  const b = require.evr;
  if (a === undefined || b === undefined || isEmptyEvr(a) || isEmptyEvr(b)) return true;
  const f1 = SENSE[provide.flags];
  const f2 = SENSE[require.flags];
  let sense: number = a.epoch === b.epoch ? 0 : a.epoch < b.epoch ? -1 : 1;
  if (sense === 0) {
    sense = rpmvercmp(a.version, b.version);
    if (sense === 0) {
      const r1 = a.release !== undefined && a.release !== '';
      const r2 = b.release !== undefined && b.release !== '';
      if (r1 && r2) {
        sense = rpmvercmp(a.release ?? '', b.release ?? '');
      } else if ((r1 && (f2 & EQUAL) !== 0) || (r2 && (f1 & EQUAL) !== 0)) {
        return true;
      }
    }
  }
  if (sense < 0) return (f1 & GREATER) !== 0 || (f2 & LESS) !== 0;
  if (sense > 0) return (f1 & LESS) !== 0 || (f2 & GREATER) !== 0;
  return (f1 & f2 & (EQUAL | LESS | GREATER)) !== 0;
}

/** rpm skips the comparison when the EVR string is empty. */
function isEmptyEvr(evr: Evr): boolean {
  return evr.epoch === 0 && evr.version === '' && (evr.release === undefined || evr.release === '');
}
