/**
 * The reboot boundary in a journaled run: "reboot requested" (with the host's identity before it) is journaled
 * and fsynced before the reboot command is issued; "reboot returned" (the new boot id) once the same host is
 * back with another boot (reboot.ts). A run that finds a request without its return (Ferry killed during the
 * wait) first judges the host it reaches now: another boot of the same host is the return, journaled before
 * anything else; the same boot means the reboot never happened, and the step that asked for it runs again
 * (its apply is idempotent: it asks again).
 */
import { assert } from '../core/index.js';
import type { Journal } from './journal.js';
import { awaitReboot, issueReboot, judgeReturn, readIdentity, type HostIdentity, type RebootWait } from './reboot.js';
import type { JournalEntry, RestoreContext } from './types.js';

export type { RebootWait } from './reboot.js';

/** The last reboot request of the journal that has no return after it (pure). */
export function pendingReboot(entries: readonly JournalEntry[]): HostIdentity | undefined {
  return lastReboot(entries)?.pending;
}

/** The journal's last reboot request: the step that asked for it (none: a restore) and whether it is still pending (pure). */
export function lastReboot(entries: readonly JournalEntry[]): { stepId?: string; pending?: HostIdentity } | undefined {
  let last: { stepId?: string; pending?: HostIdentity } | undefined;
  for (const e of entries) {
    if (e.event !== 'reboot') continue;
    if (e.phase === 'requested') last = { ...(e.stepId ? { stepId: e.stepId } : {}), pending: { bootId: e.bootId, machineId: e.machineId, ...(e.hostKey ? { hostKey: e.hostKey } : {}) } };
    else if (last) last = last.stepId ? { stepId: last.stepId } : {};
  }
  return last;
}

/**
 * The RestoreContext hooks of a run that reboots through the boundary, after settling a request an earlier
 * run left pending (see above).
 */
export async function rebootHooks(w: RebootWait, journal: Journal, stepId?: string): Promise<Required<Pick<RestoreContext, 'reboot' | 'prepareReboot'>>> {
  const pending = pendingReboot(journal.entries());
  if (pending) {
    const now = await readIdentity(w.transport, w.config);
    if (judgeReturn(w.transport.hostName, pending, now) === 'rebooted') {
      w.output(`${w.transport.hostName} came back from the reboot requested earlier: boot ${now.bootId} (was ${pending.bootId})`);
      await journal.append({ event: 'reboot', phase: 'returned', bootId: now.bootId });
    }
  }
  let requested: HostIdentity | undefined;
  const prepareReboot = async (): Promise<void> => {
    requested = await readIdentity(w.transport, w.config);
    await journal.append({ event: 'reboot', phase: 'requested', ...requested, ...(stepId ? { stepId } : {}) });
  };
  return {
    prepareReboot,
    async reboot(onReturn?: () => Promise<void>) {
      if (!requested) await prepareReboot();
      assert(requested !== undefined, 'a reboot is requested before it is issued');
      await issueReboot(w);
      const back = await awaitReboot(w, requested);
      await onReturn?.();
      await journal.append({ event: 'reboot', phase: 'returned', bootId: back.bootId });
      requested = undefined;
    },
  };
}
