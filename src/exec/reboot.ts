/**
 * Reboot as a step boundary: issue the host's reboot command (argv), wait for the host to come back, and
 * prove it is the same host after a reboot before anything continues on it.
 *
 * Identity: the host key the connection accepted (the transport's fingerprint), the machine id and the boot
 * id, both read from files of the running system (`run`, never below a root prefix: they are the kernel's
 * and the booted system's). The same host key and machine id say it is the same host; a changed boot id
 * proves the reboot happened. The files are the `RebootConfig`'s (defaults: the kernel's boot id, systemd's
 * machine id), so a host — or a lab that cannot reboot — names where its boot id lives.
 *
 * Waiting: reconnect (`connect`, a new connection each attempt) with exponential backoff, each attempt bounded
 * by `attemptTimeoutMs`, all of them by `timeoutMs`; then REBOOT_TIMEOUT naming the host and the timeout.
 * The reconnected transport replaces the old one inside a `SwitchableTransport`, so the lock, the journal and
 * the restorer that hold it continue on the new connection.
 */
import { backoffDelay, FerryError, excerpt } from '../core/index.js';
import type { Transport } from '../transport/types.js';

export const DEFAULT_REBOOT_COMMAND: readonly string[] = ['systemctl', 'reboot'];
export const DEFAULT_BOOT_ID_FILE = '/proc/sys/kernel/random/boot_id';
export const DEFAULT_MACHINE_ID_FILE = '/etc/machine-id';

export interface RebootConfig {
  /** argv that reboots the host (default `systemctl reboot`). */
  command: readonly string[];
  /** File holding the current boot's id on the running system (default the kernel's). */
  bootIdFile: string;
  machineIdFile: string;
  /** Overall wait for the host to come back (`--reboot-timeout`). */
  timeoutMs: number;
  /** Bound of one reconnect attempt (connect and identity read). */
  attemptTimeoutMs: number;
  /** First pause between attempts; doubled up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

export function rebootConfig(o: Partial<RebootConfig> = {}): RebootConfig {
  return {
    command: o.command ?? DEFAULT_REBOOT_COMMAND,
    bootIdFile: o.bootIdFile ?? DEFAULT_BOOT_ID_FILE,
    machineIdFile: o.machineIdFile ?? DEFAULT_MACHINE_ID_FILE,
    timeoutMs: o.timeoutMs ?? 600_000,
    attemptTimeoutMs: o.attemptTimeoutMs ?? 15_000,
    backoffMs: o.backoffMs ?? 500,
    maxBackoffMs: o.maxBackoffMs ?? 10_000,
  };
}

/** Who the host is and which boot it runs: journaled with the reboot request. */
export interface HostIdentity {
  bootId: string;
  machineId: string;
  /** `SHA256:…` of the accepted host key (SSH); absent on local transports. */
  hostKey?: string;
}

const ID = /^[0-9a-fA-F-]{16,64}$/;

async function readId(transport: Transport, file: string, what: string): Promise<string> {
  const r = await transport.run(['cat', '--', file]);
  const value = r.stdout.trim();
  if (r.code !== 0 || !ID.test(value)) {
    throw new FerryError('REBOOT_IDENTITY', `${transport.hostName}: ${file} gives no ${what} (${r.code !== 0 ? excerpt(r.stderr.trim() || `exit ${r.code}`) : excerpt(value)})`, {
      hint: `Name the file holding the ${what} (--boot-id-file), or reboot the host by hand and run the command again.`,
    });
  }
  return value.toLowerCase();
}

export async function readIdentity(transport: Transport, config: Pick<RebootConfig, 'bootIdFile' | 'machineIdFile'>): Promise<HostIdentity> {
  const [bootId, machineId] = [await readId(transport, config.bootIdFile, 'boot id'), await readId(transport, config.machineIdFile, 'machine id')];
  return { bootId, machineId, ...(transport.hostKeyFingerprint ? { hostKey: transport.hostKeyFingerprint } : {}) };
}

/**
 * What the identity read after a reconnect says (pure): `rebooted` (same host, new boot), `same-boot` (not
 * rebooted yet: keep waiting), or an error for another host (machine id or host key changed).
 */
export function judgeReturn(hostName: string, before: HostIdentity, after: HostIdentity): 'rebooted' | 'same-boot' {
  if (after.machineId !== before.machineId) {
    throw new FerryError('REBOOT_HOST_CHANGED', `${hostName} came back with machine id ${after.machineId}, not ${before.machineId}`, {
      hint: 'Another system answers at this address: check the host before running anything on it.',
    });
  }
  if (before.hostKey !== undefined && after.hostKey !== before.hostKey) {
    throw new FerryError('REBOOT_HOST_CHANGED', `${hostName} came back with host key ${after.hostKey ?? '(none)'}, not ${before.hostKey}`, {
      hint: 'Another system answers at this address, or its host key was replaced: check the host before running anything on it.',
    });
  }
  return after.bootId === before.bootId ? 'same-boot' : 'rebooted';
}

/** A transport whose connection can be replaced (after a reboot); every call goes to the current one. */
export interface SwitchableTransport extends Transport {
  replace(next: Transport): Promise<void>;
  current(): Transport;
}

export function switchableTransport(initial: Transport): SwitchableTransport {
  let cur = initial;
  const target = {
    replace: async (next: Transport): Promise<void> => {
      const old = cur;
      cur = next;
      if (old !== next) await old.close().catch(() => undefined);
    },
    current: (): Transport => cur,
  };
  return new Proxy(target as SwitchableTransport, {
    get(t, prop) {
      if (prop === 'replace' || prop === 'current') return Reflect.get(t, prop) as unknown;
      const v: unknown = Reflect.get(cur, prop, cur);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(cur) : v;
    },
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new FerryError('TRANSPORT_TIMEOUT', `${what} took longer than ${ms} ms`)), ms); }),
  ]);
}

export interface RebootWait {
  transport: SwitchableTransport;
  /** Opens a new connection to the same host (its host key checked against known_hosts as at first). */
  connect(): Promise<Transport>;
  config: RebootConfig;
  output(line: string): void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Waits until the host answers with `before`'s machine id and host key and another boot id, switching
 * `transport` to the new connection. REBOOT_TIMEOUT after `config.timeoutMs`.
 */
export async function awaitReboot(w: RebootWait, before: HostIdentity): Promise<HostIdentity> {
  const now = w.now ?? Date.now;
  const sleep = w.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const hostName = w.transport.hostName;
  const deadline = now() + w.config.timeoutMs;
  let last = 'no attempt yet';
  for (let attempt = 1; ; attempt++) {
    let conn: Transport | undefined;
    try {
      // The current connection first: a host not rebooted yet (or a lab whose sshd kept it) still answers on it.
      const t = attempt === 1 ? w.transport.current() : await withTimeout(w.connect(), w.config.attemptTimeoutMs, `Reconnecting to ${hostName}`);
      conn = t;
      const id = await withTimeout(readIdentity(t, w.config), w.config.attemptTimeoutMs, `Reading the identity of ${hostName}`);
      if (judgeReturn(hostName, before, id) === 'rebooted') {
        if (t !== w.transport.current()) await w.transport.replace(t);
        w.output(`${hostName} is back: boot ${id.bootId} (was ${before.bootId}), machine id ${id.machineId}`);
        return id;
      }
      last = `still boot ${id.bootId}`;
      if (t !== w.transport.current()) await t.close();
    } catch (e) {
      if (e instanceof FerryError && (e.code === 'REBOOT_HOST_CHANGED' || e.code === 'TRANSPORT_HOSTKEY')) {
        if (conn && conn !== w.transport.current()) await conn.close().catch(() => undefined);
        throw e;
      }
      last = e instanceof Error ? e.message : String(e);
      if (conn && conn !== w.transport.current()) await conn.close().catch(() => undefined);
    }
    const pause = backoffDelay(attempt, { baseMs: w.config.backoffMs, maxMs: w.config.maxBackoffMs });
    if (now() + pause > deadline) {
      throw new FerryError('REBOOT_TIMEOUT', `${hostName} did not come back from its reboot within ${w.config.timeoutMs >= 1000 ? `${Math.round(w.config.timeoutMs / 1000)} s` : `${w.config.timeoutMs} ms`} (last attempt: ${last})`, {
        hint: 'Check the host\'s console; once it is up, run the command again: the journal records the reboot and continues after it.',
        details: { host: hostName, timeoutMs: w.config.timeoutMs, bootId: before.bootId },
      });
    }
    if (attempt === 1 || attempt % 5 === 0) w.output(`waiting for ${hostName} to come back (${last})`);
    await sleep(pause);
  }
}

/** Issues the reboot command; the connection dropping under it is the expected outcome, not a failure. */
export async function issueReboot(w: RebootWait): Promise<void> {
  w.output(`rebooting ${w.transport.hostName}: ${w.config.command.join(' ')}`);
  try {
    const r = await w.transport.run(w.config.command, { timeoutMs: w.config.attemptTimeoutMs });
    if (r.code !== 0 && r.code !== null) {
      throw new FerryError('REBOOT_FAILED', `${w.config.command.join(' ')} on ${w.transport.hostName} exited ${r.code}: ${excerpt(r.stderr.trim())}`, {
        hint: 'Check the reboot command (--reboot-command) on the host; the journal is left to continue once it reboots.',
      });
    }
  } catch (e) {
    if (e instanceof FerryError && e.code === 'REBOOT_FAILED') throw e;
    // TRANSPORT_DISCONNECTED / TIMEOUT: the host went down under the command.
  }
}
