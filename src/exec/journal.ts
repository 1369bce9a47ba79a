/**
 * The execution journal on the host: `/var/lib/ferry/<executionId>/journal.jsonl` below the transport
 * root (persistent storage, never tmpfs), one JSON entry per line, mirrored to an optional JournalSink.
 *
 * Durability: every append is written to the file at once, with one command (`cat >>`), so an entry is
 * on the host before `append` resolves and a killed Ferry loses nothing it has reported. An append is
 * also fsynced (power loss, kernel crash) unless the caller passes `{ sync: false }`; such an entry
 * becomes durable with the next synced append or `sync()` — fsync of the file flushes every earlier
 * write. The journal file's creation is made durable with its directory. The reader tolerates a
 * truncated final line (a crash mid-append) but rejects any other unparseable line as JOURNAL_CORRUPT
 * naming the file and line; opening a journal whose last line is torn first rewrites it without that line
 * (temp file, fsync, rename, fsync of the directory: writeDurably), so later appends never follow a torn
 * line.
 *
 * The host lock is the directory `/var/lib/ferry/lock` (mkdir is atomic on every POSIX file system) with
 * `owner.json` inside: {pid, controller hostname, executionId, at}. A lock is stale when its owner ran on
 * this controller and the pid is gone (or is this very process, which no longer holds it: its connection
 * dropped before it could release), or when its heartbeat (`at`, refreshed on a timer) is older than
 * `staleAfterMs`.
 */
import { hostname } from 'node:os';
import { posix } from 'node:path';
import { FerryError, isFerryError } from '../core/index.js';
import type { Transport } from '../transport/types.js';
import { underRoot } from '../transport/root.js';
import type { JournalEntry, JournalEvent, JournalSink } from './types.js';

export const FERRY_STATE_ROOT = '/var/lib/ferry';
const EXECUTION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function assertExecutionId(executionId: string): void {
  if (!EXECUTION_ID.test(executionId)) {
    throw new FerryError('USAGE', `Execution id ${JSON.stringify(executionId)} is not valid`, {
      hint: 'Use letters, digits, ".", "_" and "-" (at most 128 characters).',
    });
  }
}

export function stateDirFor(executionId: string): string {
  assertExecutionId(executionId);
  return posix.join(FERRY_STATE_ROOT, executionId);
}

export function journalPathFor(executionId: string): string {
  return posix.join(stateDirFor(executionId), 'journal.jsonl');
}

/** The path a command run through `transport.run` must use for `path` (run is never root-prefixed). */
export function hostPath(transport: Transport, path: string): string {
  return underRoot(transport.root, path);
}

export async function runChecked(transport: Transport, argv: readonly string[], what: string): Promise<string> {
  const res = await transport.run(argv);
  if (res.code !== 0) {
    throw new FerryError('TRANSPORT_COMMAND', `${what} on ${transport.hostName} failed (exit ${res.code ?? res.signal}): ${res.stderr.trim().slice(0, 500)}`, {
      details: { argv: [...argv] },
    });
  }
  return res.stdout;
}

/** `mkdir -p -m MODE` of a path below the transport's root (natively when the transport can). */
export async function mkdirHost(transport: Transport, path: string, mode = 0o700): Promise<void> {
  if (transport.mkdir) return transport.mkdir(path, { mode });
  await runChecked(transport, ['mkdir', '-p', '-m', mode.toString(8).padStart(4, '0'), hostPath(transport, path)], `Creating ${path}`);
}

/** Parses journal text. A truncated last line is dropped; any other bad line is JOURNAL_CORRUPT. */
export function parseJournal(text: string, file: string): JournalEntry[] {
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  const entries: JournalEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const isLast = i === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      if (isLast && !endsWithNewline) break; // torn final write
      throw new FerryError('JOURNAL_CORRUPT', `Journal ${file} line ${i + 1} is not JSON: ${(e as Error).message}`, {
        hint: 'Inspect the file; a journal Ferry did not write cannot be resumed safely.',
      });
    }
    if (!isEntry(value)) {
      throw new FerryError('JOURNAL_CORRUPT', `Journal ${file} line ${i + 1} is not a journal entry`, {
        hint: 'Inspect the file; a journal Ferry did not write cannot be resumed safely.',
      });
    }
    if (value.seq !== entries.length + 1) {
      throw new FerryError('JOURNAL_CORRUPT', `Journal ${file} line ${i + 1} has sequence ${value.seq}, expected ${entries.length + 1}`);
    }
    entries.push(value);
  }
  return entries;
}

function isEntry(v: unknown): v is JournalEntry {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return o.v === 1 && typeof o.seq === 'number' && typeof o.at === 'string' && typeof o.executionId === 'string'
    && typeof o.event === 'string';
}

export function serializeJournal(entries: readonly JournalEntry[]): string {
  return entries.map((e) => JSON.stringify(e) + '\n').join('');
}

export interface Journal {
  readonly path: string;
  readonly executionId: string;
  entries(): readonly JournalEntry[];
  /**
   * Appends: writes the entry to the journal on the host (fsynced unless `sync: false`), then mirrors it
   * to the sink.
   */
  append(event: JournalEvent, options?: { sync?: boolean }): Promise<JournalEntry>;
  /** Makes every entry written so far durable (fsync); nothing to do when the last append was synced. */
  sync(): Promise<void>;
}

/** Reads the journal of an execution; an absent journal is an empty one. */
export async function readJournal(transport: Transport, executionId: string): Promise<JournalEntry[]> {
  const path = journalPathFor(executionId);
  let buf: Buffer;
  try {
    buf = await transport.readFile(path);
  } catch (e) {
    if (isFerryError(e, 'NOT_FOUND')) return [];
    throw e;
  }
  return ownEntries(parseJournal(buf.toString('utf8'), `${transport.hostName}:${path}`), transport, path, executionId);
}

function ownEntries(entries: JournalEntry[], transport: Transport, path: string, executionId: string): JournalEntry[] {
  const foreign = entries.find((e) => e.executionId !== executionId);
  if (foreign) {
    throw new FerryError('JOURNAL_CORRUPT', `Journal ${transport.hostName}:${path} entry ${foreign.seq} belongs to execution ${foreign.executionId}`);
  }
  return entries;
}

/**
 * Temp file, fsync, rename, fsync of the directory — in one round trip (over SSH each command costs one).
 * The script is constant; the path travels as an argument and the bytes on stdin, never through the shell.
 */
const DURABLE_WRITE = 'set -e; umask 077; t="$1.tmp.$$"; cat > "$t"; sync "$t"; mv -f "$t" "$1"; sync "$(dirname "$1")"';

export async function writeDurably(transport: Transport, path: string, data: string): Promise<void> {
  const res = await transport.run(['sh', '-c', DURABLE_WRITE, 'sh', hostPath(transport, path)], { stdin: data });
  if (res.code !== 0) {
    throw new FerryError('IO', `Writing the journal ${path} on ${transport.hostName} failed (exit ${res.code ?? res.signal}): ${res.stderr.trim().slice(0, 500)}`);
  }
}

// Appends stdin to "$1"; with "$2" = sync fsyncs the file, with "$3" = new also its directory (the new entry).
const APPEND = 'set -e; umask 077; cat >> "$1"; if [ "$2" = sync ]; then sync "$1"; fi; if [ "$3" = new ]; then sync "$(dirname "$1")"; fi';

export async function openJournal(options: { transport: Transport; executionId: string; sink?: JournalSink; now?: () => Date }): Promise<Journal> {
  const { transport, executionId, sink } = options;
  const now = options.now ?? (() => new Date());
  const path = journalPathFor(executionId);
  let text: string | undefined;
  try {
    text = (await transport.readFile(path)).toString('utf8');
  } catch (e) {
    if (!isFerryError(e, 'NOT_FOUND')) throw e;
  }
  const entries = text === undefined ? [] : ownEntries(parseJournal(text, `${transport.hostName}:${path}`), transport, path, executionId);
  await mkdirHost(transport, stateDirFor(executionId));
  // A torn last line (a crash mid-append) is dropped for good before anything is appended after it.
  if (text !== undefined && text !== '' && !text.endsWith('\n')) await writeDurably(transport, path, serializeJournal(entries));
  let exists = text !== undefined;
  // Appends written, and how many of them are known to be fsynced (a sync running beside an append only
  // vouches for the appends written before it started).
  let written = 0;
  let synced = 0;
  const write = async (data: string, sync: boolean): Promise<void> => {
    if (transport.appendFile) {
      await transport.appendFile(path, data, { sync: !exists ? 'dir' : sync ? 'file' : 'none' });
    } else {
      const res = await transport.run(['sh', '-c', APPEND, 'sh', hostPath(transport, path), sync ? 'sync' : '', exists ? '' : 'new'], { stdin: data });
      if (res.code !== 0) {
        throw new FerryError('IO', `Writing the journal ${path} on ${transport.hostName} failed (exit ${res.code ?? res.signal}): ${res.stderr.trim().slice(0, 500)}`);
      }
    }
    exists = true;
    written++;
    if (sync) synced = written;
  };
  // Entries written on the host just before a crash may never have reached the sink: mirror them again
  // (the sink ignores (executionId, seq) pairs it already holds).
  if (sink) for (const e of entries) await sink.appendJournalEntry(e);
  return {
    path,
    executionId,
    entries: () => entries,
    async append(event, o = {}) {
      const entry = { ...event, v: 1, seq: entries.length + 1, at: now().toISOString(), executionId } as JournalEntry;
      await write(serializeJournal([entry]), o.sync !== false);
      entries.push(entry);
      if (sink) await sink.appendJournalEntry(entry);
      return entry;
    },
    async sync() {
      const upTo = written;
      if (synced >= upTo) return;
      if (transport.appendFile) await transport.appendFile(path, '', { sync: 'file' });
      else await runChecked(transport, ['sync', hostPath(transport, path)], `Syncing the journal ${path}`);
      synced = Math.max(synced, upTo);
    },
  };
}

// ---- host lock ----

export const LOCK_DIR = posix.join(FERRY_STATE_ROOT, 'lock');

export interface LockOwner {
  pid: number;
  controller: string;
  executionId: string;
  at: string;
}

export interface HostLock {
  owner: LockOwner;
  /** Refreshes the heartbeat. */
  touch(): Promise<void>;
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  transport: Transport;
  executionId: string;
  /** A lock whose heartbeat is older than this is stale (default 1 hour). */
  staleAfterMs?: number;
  /** Refresh the heartbeat this often while held (default staleAfterMs / 4; 0 disables the timer). */
  heartbeatMs?: number;
  now?: () => Date;
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(transport: Transport): Promise<LockOwner | undefined> {
  try {
    const v = JSON.parse((await transport.readFile(posix.join(LOCK_DIR, 'owner.json'))).toString('utf8')) as LockOwner;
    return typeof v.pid === 'number' && typeof v.controller === 'string' && typeof v.at === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Locks this process holds now, by `hostName|root`: a lock naming this pid but absent here was lost with its connection. */
const heldHere = new Set<string>();
const lockKey = (t: Transport): string => `${t.hostName}|${t.root ?? ''}`;

export function isLockStale(owner: LockOwner | undefined, options: { staleAfterMs: number; now: Date; controller: string; heldHere?: boolean }): boolean {
  if (!owner) return false; // being written right now, or unreadable: never break what we cannot judge
  if (owner.controller === options.controller && !isPidAlive(owner.pid)) return true;
  if (owner.controller === options.controller && owner.pid === process.pid && options.heldHere === false) return true;
  const age = options.now.getTime() - Date.parse(owner.at);
  return !(age <= options.staleAfterMs);
}

/** Takes the host lock or throws JOURNAL_LOCKED naming the holder. Breaks a stale lock. */
export async function acquireHostLock(options: AcquireLockOptions): Promise<HostLock> {
  const { transport, executionId } = options;
  const staleAfterMs = options.staleAfterMs ?? 3_600_000;
  const now = options.now ?? (() => new Date());
  const controller = hostname();
  const lockHost = hostPath(transport, LOCK_DIR);
  await mkdirHost(transport, FERRY_STATE_ROOT);
  const owner: LockOwner = { pid: process.pid, controller, executionId, at: now().toISOString() };
  const writeOwner = async (): Promise<void> => {
    owner.at = now().toISOString();
    await transport.writeFile(posix.join(LOCK_DIR, 'owner.json'), JSON.stringify(owner) + '\n', { mode: 0o600 });
  };

  for (let attempt = 0; attempt < 2; attempt++) {
    const res = await transport.run(['mkdir', '-m', '0700', lockHost]);
    if (res.code === 0) {
      heldHere.add(lockKey(transport));
      await writeOwner();
      let timer: NodeJS.Timeout | undefined;
      const beat = options.heartbeatMs ?? staleAfterMs / 4;
      if (beat > 0) {
        timer = setInterval(() => { writeOwner().catch(() => { /* the next append retries */ }); }, beat);
        timer.unref();
      }
      return {
        owner,
        touch: writeOwner,
        async release() {
          if (timer) clearInterval(timer);
          heldHere.delete(lockKey(transport));
          const current = await readOwner(transport);
          if (current && (current.pid !== owner.pid || current.controller !== owner.controller)) return; // broken and retaken
          await runChecked(transport, ['rm', '-rf', '--', lockHost], `Releasing lock ${LOCK_DIR}`);
        },
      };
    }
    if (!(await transport.exists(LOCK_DIR))) {
      throw new FerryError('TRANSPORT_COMMAND', `Could not create lock ${LOCK_DIR} on ${transport.hostName}: ${res.stderr.trim()}`);
    }
    const holder = await readOwner(transport);
    if (attempt === 0 && isLockStale(holder, { staleAfterMs, now: now(), controller, heldHere: heldHere.has(lockKey(transport)) })) {
      // Move it aside atomically so two breakers cannot both delete a freshly retaken lock.
      const aside = `${lockHost}.stale-${process.pid}-${Date.now()}`;
      if ((await transport.run(['mv', '-T', '--', lockHost, aside])).code === 0) {
        await transport.run(['rm', '-rf', '--', aside]);
      }
      continue;
    }
    const who = holder
      ? `pid ${holder.pid} on ${holder.controller} (execution ${holder.executionId}, heartbeat ${holder.at})`
      : 'an unknown owner';
    throw new FerryError('JOURNAL_LOCKED', `Host ${transport.hostName} is locked by ${who}: ${LOCK_DIR}`, {
      hint: 'Wait for that run to finish; if it is gone, the lock becomes stale after its heartbeat ages out.',
      details: { holder: holder ?? null },
    });
  }
  throw new FerryError('JOURNAL_LOCKED', `Host ${transport.hostName} lock ${LOCK_DIR} could not be taken`);
}
