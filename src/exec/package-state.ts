/**
 * The host's package set as the journal last saw it. The runner records a fingerprint of the installed
 * NEVRAs (count, sha256 of the sorted list, and the list itself in the state directory, packages-LABEL.txt) when an execution
 * starts and when a step that changes packages ends; those entries are part of the signed journal. Before
 * a rollback restores anything, and before a resumed run applies its next step, the host's packages are
 * compared with the newest fingerprint: a host someone changed since (a `dnf update` by hand after a failed
 * run) is refused with the differences instead of being acted on from stale state.
 *
 * The comparison is only made when the journal knows what the host should hold: after a package-changing
 * step started and did not end with a fingerprint (killed mid-transaction, failed), or once a rollback
 * started, the package set is legitimately unknown and nothing is compared.
 */
import { posix } from 'node:path';
import { FerryError, sha256Hex } from '../core/index.js';
import { installedPackageList, packageListDifferences } from './package-manager/index.js';
import { FERRY_STATE_ROOT } from './journal.js';
import type { Transport } from '../transport/types.js';
import type { JournalEntry, PackageFingerprint } from './types.js';

/** Reads the installed packages and writes them as `packages-LABEL.txt` in the execution's state dir. */
export async function recordPackages(transport: Transport, stateDir: string, label: string): Promise<PackageFingerprint> {
  const { nevras, text, sha256 } = await installedPackageList(transport);
  const list = posix.join(stateDir, `packages-${label}.txt`);
  await transport.writeFile(list, text, { mode: 0o600 });
  return { count: nevras.length, sha256, list };
}

/** A journaled fingerprint of the shape recordPackages writes (the journal is read back from the host). */
function isFingerprint(v: unknown): v is PackageFingerprint {
  const f = v as Partial<PackageFingerprint> | null;
  return typeof f === 'object' && f !== null && Number.isInteger(f.count) && typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256) && typeof f.list === 'string';
}

/** The newest fingerprint the journal vouches for, with where it was taken; undefined when the set is unknown. */
export function expectedPackages(entries: readonly JournalEntry[]): { fingerprint: PackageFingerprint; at: string } | undefined {
  let expected: { fingerprint: PackageFingerprint; at: string } | undefined;
  for (const e of entries) {
    if (e.event === 'execution' && e.phase === 'start') expected = isFingerprint(e.packages) ? { fingerprint: e.packages, at: 'the start of the run' } : undefined;
    else if (e.event === 'step' && e.phase === 'start' && e.changesPackages) expected = undefined;
    else if (e.event === 'step' && e.phase === 'end' && isFingerprint(e.packages)) expected = { fingerprint: e.packages, at: `the end of step ${e.stepId}` };
    else if (e.event === 'rollback') expected = undefined;
  }
  return expected;
}

const SHOWN = 10;

/**
 * Throws HOST_CHANGED (listing added and removed NEVRAs) when the host's packages differ from the
 * journal's newest fingerprint; `action` names what is refused ("rollback", "resume").
 */
export async function checkPackagesUnchanged(o: { transport: Transport; executionId: string; entries: readonly JournalEntry[]; action: string }): Promise<void> {
  const expected = expectedPackages(o.entries);
  if (!expected) return;
  const { nevras: now, sha256 } = await installedPackageList(o.transport);
  if (sha256 === expected.fingerprint.sha256) return;
  const { list } = expected.fingerprint;
  // The list on the host is shown only when it is the one the signed entry describes.
  const recorded = list.startsWith(`${FERRY_STATE_ROOT}/`)
    ? await o.transport.readFile(list).then((b) => b.toString('utf8'), () => undefined)
    : undefined;
  let differences = `${expected.fingerprint.count} packages recorded, ${now.length} installed`;
  if (recorded !== undefined && sha256Hex(recorded) === expected.fingerprint.sha256) {
    const { added, removed } = packageListDifferences(recorded, now);
    const show = (xs: string[]): string => xs.slice(0, SHOWN).map((x) => JSON.stringify(x)).join(', ') + (xs.length > SHOWN ? ` and ${xs.length - SHOWN} more` : '');
    differences = [added.length ? `installed since: ${show(added)}` : '', removed.length ? `removed since: ${show(removed)}` : ''].filter(Boolean).join('; ');
  }
  throw new FerryError('HOST_CHANGED', `Packages on ${o.transport.hostName} changed since execution ${o.executionId} recorded them at ${expected.at} (${differences}); ${o.action} is refused`, {
    hint: `Someone changed the host since Ferry last ran. Check the changes; then run ferry ${o.action} --force to act anyway, or undo them (or start over with a new ferry plan) first.`,
    details: { executionId: o.executionId, recordedAt: expected.at },
  });
}
