/**
 * dnf's transaction summary (the table `dnf --assumeno` prints before "Transaction Summary") as data. The
 * section headings are dnf 4's, from dnf/cli/output.py `Output.list_transaction`: Installing, Upgrading,
 * Reinstalling, Installing group/module packages (Installing group packages without modules), Installing
 * dependencies, Installing weak dependencies, Removing, Removing dependent packages, Removing unused
 * dependencies, Downgrading; an obsoleted package is printed under the package that obsoletes it as
 * `     replacing  NAME.ARCH EVR`. Other headings dnf prints in that table (module streams, skipped
 * packages) carry no package change of the rpm database and are kept as `other`.
 */

import { parseEvr } from '../../rpm/evr.js';
import { formatNevra } from '../../rpm/nevra.js';

export type TransactionAction = 'install' | 'upgrade' | 'reinstall' | 'install-dependency' | 'remove' | 'remove-dependent' | 'remove-unused' | 'downgrade' | 'other';

const HEADINGS: Record<string, TransactionAction> = {
  'Installing': 'install',
  'Upgrading': 'upgrade',
  'Reinstalling': 'reinstall',
  'Installing group/module packages': 'install',
  'Installing group packages': 'install',
  'Installing dependencies': 'install-dependency',
  'Installing weak dependencies': 'install-dependency',
  'Removing': 'remove',
  'Removing dependent packages': 'remove-dependent',
  'Removing unused dependencies': 'remove-unused',
  'Downgrading': 'downgrade',
};

/** One package of the predicted transaction; `replacing` lists what it obsoletes (those leave the rpm database too). */
export interface PredictedPackage {
  action: TransactionAction;
  name: string;
  arch: string;
  evr: string;
  repo: string;
  replacing: { name: string; arch: string; evr: string }[];
}

export interface PredictedTransaction {
  packages: PredictedPackage[];
}

/** A package the transaction takes out of the rpm database, judged against the plan and the operator's approvals. */
export interface JudgedRemoval {
  name: string;
  evr: string;
  why: 'removed' | 'dependent' | 'unused' | 'obsoleted';
  /** The package obsoleting it (`why: 'obsoleted'`). */
  by?: string;
  /** replaced (obsoleted), announced by the plan, approved with --allow-remove, or neither: the migration stops. */
  verdict: 'replaced' | 'announced' | 'approved' | 'unapproved';
  /** Unapproved only: the requirement the transaction breaks. */
  because?: string;
}

/** A predicted transaction with its removals judged: what `migrate --dry-run` prints. */
export interface TransactionReport {
  packages: PredictedPackage[];
  allowRemove: string[];
  removals: JudgedRemoval[];
  /** An unapproved removal: the migration would stop at the gate, before the vendor swap. */
  stops: boolean;
}

/** Removal actions: the package leaves the rpm database without a successor of its name. */

/**
 * Parses the summary table. dnf wraps a row that is wider than its columns: a long name stands alone on its
 * line and the rest (arch, EVR, repository, size) follows on the next; a long EVR pushes the repository and
 * size to the next line. A row is complete when it holds name, arch, EVR, repository and a size (`6.4 k`, `0`).
 */
export function parseTransactionSummary(text: string): PredictedTransaction {
  const packages: PredictedPackage[] = [];
  let action: TransactionAction | null = null;
  let pending: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (/^Transaction Summary$/.test(line)) break;
    const heading = /^([A-Z][A-Za-z /]*):$/.exec(line);
    if (heading) {
      action = HEADINGS[heading[1]] ?? 'other';
      pending = [];
      continue;
    }
    if (action === null || !line.startsWith(' ')) continue;
    const replacing = /^ {5}replacing {2}(\S+)\.([^.\s]+) (\S+)$/.exec(line);
    if (replacing) {
      packages[packages.length - 1]?.replacing.push({ name: replacing[1], arch: replacing[2], evr: replacing[3] });
      continue;
    }
    pending.push(...line.trim().split(/\s+/));
    // name arch evr repo size [unit]
    const last = pending[pending.length - 1];
    if (pending.length < (/^[kMG]$/.test(last) ? 6 : 5) || !/^([kMG]|[\d.]+)$/.test(last)) continue;
    const cols = pending;
    pending = [];
    if (action === 'other') continue;
    packages.push({ action, name: cols[0], arch: cols[1], evr: cols[2], repo: cols[3], replacing: [] });
  }
  return { packages };
}

/** Names the transaction takes out of the rpm database: removed, and obsoleted by another package. */
export function removedNames(tx: PredictedTransaction): { name: string; evr: string; why: 'removed' | 'dependent' | 'unused' | 'obsoleted'; by?: string }[] {
  const out: { name: string; evr: string; why: 'removed' | 'dependent' | 'unused' | 'obsoleted'; by?: string }[] = [];
  for (const p of tx.packages) {
    if (actionKind(p.action) === 'remove') out.push({ name: p.name, evr: p.evr, why: p.action === 'remove' ? 'removed' : p.action === 'remove-dependent' ? 'dependent' : 'unused' });
    for (const r of p.replacing) out.push({ name: r.name, evr: r.evr, why: 'obsoleted', by: `${p.name}-${p.evr}.${p.arch}` });
  }
  return out;
}

/** Names whose installed build the transaction changes or takes away (what a package pinned to it loses). */
export function changedNames(tx: PredictedTransaction): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of tx.packages) {
    if (p.action === 'upgrade' || p.action === 'downgrade') out.set(p.name, `${p.action === 'upgrade' ? 'upgraded' : 'downgraded'} to ${p.evr}`);
    else if (actionKind(p.action) === 'remove') out.set(p.name, 'removed');
    for (const r of p.replacing) out.set(r.name, `replaced by ${p.name}-${p.evr}`);
  }
  return out;
}

/** One line per removal, as the gate streams them and the dry run prints them. */
export function removalVerdict(r: JudgedRemoval): string {
  switch (r.verdict) {
    case 'replaced': return `replaced by ${r.by ?? '?'}`;
    case 'announced': return 'announced by the plan';
    case 'approved': return 'approved (--allow-remove)';
    case 'unapproved': return `NOT APPROVED: ${r.because ?? 'not announced'}`;
  }
}

/** A summary row's action as one kind: dnf's install and remove variants (dependency, dependent, unused) folded. */
export function actionKind(action: PredictedPackage['action']): 'install' | 'upgrade' | 'downgrade' | 'reinstall' | 'remove' | 'other' {
  switch (action) {
    case 'remove': case 'remove-dependent': case 'remove-unused': return 'remove';
    case 'install': case 'install-dependency': return 'install';
    default: return action;
  }
}

/**
 * The summary as comparable lines, one per package: `install|upgrade|downgrade|reinstall|erase NEVRA`, and
 * `obsolete NEVRA by NEVRA` for each `replacing` row — the form of src/assess/predict.ts transactionLines, so
 * Ferry's predicted transaction and dnf's compare package by package.
 */
export function summaryLines(tx: PredictedTransaction): string[] {
  const nevra = (p: { name: string; arch: string; evr: string }): string => formatNevra({ name: p.name, arch: p.arch, ...parseEvr(p.evr) });
  const out: string[] = [];
  for (const p of tx.packages) {
    const kind = actionKind(p.action);
    out.push(`${kind === 'remove' ? 'erase' : kind} ${nevra(p)}`);
    for (const r of p.replacing) out.push(`obsolete ${nevra(r)} by ${nevra(p)}`);
  }
  return out.sort();
}
