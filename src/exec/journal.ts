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
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { posix } from 'node:path';
import { excerpt, FerryError, isFerryError } from '../core/index.js';
import type { Transport } from '../transport/types.js';
import { underRoot } from '../transport/root.js';
import type { JournalEntry, JournalEvent, JournalSink } from './types.js';
import { entryMac, loadJournalKey, macMatches, type JournalKey } from './journal-key.js';

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

/** How a journal read back from a host is verified (journal-key.ts). */
export interface JournalTrust {
  /** The controller's journal key; default: `$FERRY_HOME/journal.key` (created on first use). */
  key?: JournalKey;
  /**
   * Accept entries signed by another controller's key, or by none (a journal another controller wrote): the
   * chain is not checked, everything else is (entries, sequence, restorables at rollback).
   */
  trust?: boolean;
}

const UNTRUSTED_HINT = 'Run ferry from the controller that started this migration (its $FERRY_HOME/journal.key signs the journal), or pass --trust-journal once you have inspected the journal.';

/** A value read from the host as is when it is a plain name, else as a short escaped excerpt. */
function hostValue(v: unknown): string {
  return typeof v === 'string' && /^[A-Za-z0-9._:+@-]{1,128}$/.test(v) ? v : excerpt(String(v));
}

/**
 * Parses journal text. A truncated last line is dropped; any other bad line is JOURNAL_CORRUPT naming the
 * file and line (content only as a short escaped excerpt). With `key`, every entry's chained mac is checked
 * unless `trust` is set.
 */
export function parseJournal(text: string, file: string, verify: { key?: JournalKey; trust?: boolean } = {}): JournalEntry[] {
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  const entries: JournalEntry[] = [];
  let prevMac = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const isLast = i === lines.length - 1;
    if (line === '' && isLast) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (isLast && !endsWithNewline) break; // torn final write
      throw new FerryError('JOURNAL_CORRUPT', `Journal ${file} line ${i + 1} is not JSON: ${excerpt(line)}`, {
        hint: 'Inspect the file; a journal Ferry did not write cannot be resumed safely.',
      });
    }
    if (!isEntry(value)) {
      throw new FerryError('JOURNAL_CORRUPT', `Journal ${file} line ${i + 1} is not a journal entry`, {
        hint: 'Inspect the file; a journal Ferry did not write cannot be resumed safely.',
      });
    }
    if (value.seq !== entries.length + 1) {
      throw new FerryError('JOURNAL_CORRUPT', `Journal ${file} line ${i + 1} has sequence ${value.seq}, expected ${entries.length + 1}`, {
        hint: 'Two runs wrote this journal, or it was edited; it cannot be resumed safely.',
      });
    }
    if (verify.key && !verify.trust) checkMac(value, prevMac, verify.key, file, i + 1);
    prevMac = value.mac ?? '';
    entries.push(value);
  }
  return entries;
}

function checkMac(entry: JournalEntry, prevMac: string, key: JournalKey, file: string, line: number): void {
  if (entry.mac === undefined || entry.kid === undefined) {
    throw new FerryError('JOURNAL_CORRUPT', `Journal ${file} line ${line} carries no integrity check: not written by this controller's Ferry`, { hint: UNTRUSTED_HINT });
  }
  if (entry.kid !== key.id) {
    throw new FerryError('JOURNAL_CORRUPT', `Journal ${file} line ${line} is signed by another controller's key (${excerpt(entry.kid)}), not this controller's (${key.id})`, { hint: UNTRUSTED_HINT });
  }
  if (!macMatches(entry.mac, entryMac(key, prevMac, entry))) {
    throw new FerryError('JOURNAL_CORRUPT', `Journal ${file} line ${line} fails its integrity check: the entry, or one before it, was edited, inserted or removed`, {
      hint: 'The journal cannot be trusted: inspect the host, and restore it from a snapshot if in doubt.',
    });
  }
}

function isEntry(v: unknown): v is JournalEntry {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return o.v === 1 && typeof o.seq === 'number' && typeof o.at === 'string' && typeof o.executionId === 'string'
    && typeof o.event === 'string' && (o.mac === undefined || typeof o.mac === 'string') && (o.kid === undefined || typeof o.kid === 'string');
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

/** The journal's head recorded outside it: how many entries it had and the last one's mac. */
export interface JournalHead {
  seq: number;
  mac: string | null;
}

/** Where a head was recorded, for messages: `the store`, `/var/lib/ferry/current`. */
export type RecordedHead = JournalHead & { where: string };

/**
 * A journal that has fewer entries than a head recorded outside it, or another entry at that position,
 * lost entries (a torn write near ENOSPC, a truncation, an edit): resuming or rolling back from it would
 * act on a past the host has left, so it is refused.
 */
export function checkJournalHead(entries: readonly JournalEntry[], heads: readonly RecordedHead[], file: string): void {
  for (const h of heads) {
    const at = entries[h.seq - 1];
    if (h.seq > 0 && (at === undefined || (h.mac !== null && at.mac !== h.mac))) {
      throw new FerryError('JOURNAL_CORRUPT', `Journal ${file} ${at === undefined ? `has ${entries.length} entries, but ${h.where} recorded ${h.seq}` : `line ${h.seq} is not the entry ${h.where} recorded`}: it lost entries`, {
        hint: 'Do not resume or roll back from it: compare the host with the store\'s journal (ferry status --from-store) and restore the host from a snapshot if in doubt.',
      });
    }
  }
}

/**
 * `/var/lib/ferry/current`: the execution id on its first line; on the second, once the journal has synced
 * entries, its head as JSON. Host state, so read without following a symlink and never echoed whole.
 */
export const CURRENT_FILE = posix.join(FERRY_STATE_ROOT, 'current');

export interface CurrentExecution {
  executionId: string;
  head: JournalHead | undefined;
}

/** The host's current execution, or undefined when there is none. */
export async function readCurrentExecution(transport: Transport): Promise<CurrentExecution | undefined> {
  await assertNotSymlink(transport, CURRENT_FILE);
  let text: string;
  try {
    text = (await transport.readFile(CURRENT_FILE)).toString('utf8');
  } catch (e) {
    if (isFerryError(e, 'NOT_FOUND')) return undefined;
    throw e;
  }
  const [first = '', second = ''] = text.split('\n');
  const executionId = first.trim();
  if (!EXECUTION_ID.test(executionId)) {
    throw new FerryError('JOURNAL_CORRUPT', `${transport.hostName}:${CURRENT_FILE} does not name an execution (it starts ${excerpt(first, 40)})`, {
      hint: 'Ferry writes this file; remove it if it is not Ferry\'s, or pass the execution id.',
    });
  }
  let head: JournalHead | undefined;
  if (second.trim() !== '') {
    let v: unknown;
    try { v = JSON.parse(second); } catch { v = undefined; }
    const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    if (typeof o.seq !== 'number' || !Number.isInteger(o.seq) || o.seq < 0 || !(o.mac === null || typeof o.mac === 'string')) {
      throw new FerryError('JOURNAL_CORRUPT', `${transport.hostName}:${CURRENT_FILE} line 2 is not a journal head: ${excerpt(second)}`);
    }
    head = { seq: o.seq, mac: o.mac };
  }
  return { executionId, head };
}

export async function writeCurrentExecution(transport: Transport, executionId: string, head?: JournalHead): Promise<void> {
  assertExecutionId(executionId);
  await transport.writeFile(CURRENT_FILE, `${executionId}\n${head ? `${JSON.stringify(head)}\n` : ''}`, { mode: 0o600 });
}

/** Refuses a host-state file that is a symlink: below a root it would be read on this machine, wherever it points. */
async function assertNotSymlink(transport: Transport, path: string): Promise<void> {
  const res = await transport.run(['stat', '-c', '%F', '--', hostPath(transport, path)]);
  if (res.code === 0 && res.stdout.trim() === 'symbolic link') {
    throw new FerryError('JOURNAL_CORRUPT', `${transport.hostName}:${path} is a symbolic link; Ferry's state files are regular files`, {
      hint: 'Something other than Ferry put it there: inspect and remove it.',
    });
  }
}

/**
 * Fails unless each of `paths` (host paths below the transport's root) resolves, symlinks followed, to a
 * place below the root: below a root (an image), a symlinked directory would otherwise make a write land
 * on this machine, outside the image. Nothing to check without a root.
 */
export async function assertResolvesUnderRoot(transport: Transport, paths: readonly string[], what: string): Promise<void> {
  if (!transport.root || paths.length === 0) return;
  for (let i = 0; i < paths.length; i += 1000) {
    const chunk = paths.slice(i, i + 1000);
    const out = await runChecked(transport, ['realpath', '-m', '--', transport.root, ...chunk.map((p) => hostPath(transport, p))], `Resolving ${what}`);
    const [root, ...resolved] = out.split('\n');
    resolved.slice(0, chunk.length).forEach((r, j) => {
      if (r !== root && !r.startsWith(`${root}/`)) {
        throw new FerryError('JOURNAL_CORRUPT', `${what} ${chunk[j]} on ${transport.hostName} resolves to ${excerpt(r)}, outside the root ${transport.root}`, {
          hint: 'A symbolic link in the root points out of it; Ferry writes only below the root.',
        });
      }
    });
  }
}

async function readJournalText(transport: Transport, path: string): Promise<string | undefined> {
  await assertNotSymlink(transport, path);
  try {
    return (await transport.readFile(path)).toString('utf8');
  } catch (e) {
    if (isFerryError(e, 'NOT_FOUND')) return undefined;
    throw e;
  }
}

/** The heads recorded outside the journal of `executionId`: `current` when it names it, and `heads` given by the caller (the store). */
async function recordedHeads(transport: Transport, executionId: string, given: readonly RecordedHead[]): Promise<{ heads: RecordedHead[]; current: boolean }> {
  const cur = await readCurrentExecution(transport);
  const mine = cur?.executionId === executionId;
  return { heads: [...given, ...(mine && cur.head ? [{ ...cur.head, where: `${transport.hostName}:${CURRENT_FILE}` }] : [])], current: mine };
}

export interface ReadJournalOptions extends JournalTrust {
  /** Heads recorded elsewhere (the store's mirror of the journal). */
  heads?: readonly RecordedHead[];
}

/** Reads and verifies the journal of an execution; an absent journal is an empty one (unless a head says it had entries). */
export async function readJournal(transport: Transport, executionId: string, options: ReadJournalOptions = {}): Promise<JournalEntry[]> {
  const path = journalPathFor(executionId);
  const file = `${transport.hostName}:${path}`;
  const text = await readJournalText(transport, path);
  const entries = text === undefined ? [] : ownEntries(parseJournal(text, file, verifyOf(options)), transport, path, executionId);
  checkJournalHead(entries, (await recordedHeads(transport, executionId, options.heads ?? [])).heads, file);
  return entries;
}

function verifyOf(o: JournalTrust): { key: JournalKey; trust: boolean } {
  return { key: o.key ?? loadJournalKey(), trust: o.trust === true };
}

function ownEntries(entries: JournalEntry[], transport: Transport, path: string, executionId: string): JournalEntry[] {
  const foreign = entries.find((e) => e.executionId !== executionId);
  if (foreign) {
    throw new FerryError('JOURNAL_CORRUPT', `Journal ${transport.hostName}:${path} entry ${foreign.seq} belongs to execution ${excerpt(foreign.executionId)}`);
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

// Appends stdin to "$1" if the file is "$4" bytes long now (else exit 3, nothing written); with "$2" = sync
// fsyncs the file, with "$3" = new also its directory (the new entry). A short write fails `cat` (set -e).
const APPEND = [
  'set -e; umask 077',
  's=$(stat -c %s -- "$1" 2>/dev/null || echo 0); if [ "$s" != "$4" ]; then echo "$s" >&2; exit 3; fi',
  'cat >> "$1"; if [ "$2" = sync ]; then sync "$1"; fi; if [ "$3" = new ]; then sync "$(dirname "$1")"; fi',
].join('\n');

export interface OpenJournalOptions extends JournalTrust {
  transport: Transport;
  executionId: string;
  sink?: JournalSink;
  now?: () => Date;
  /** Heads recorded elsewhere (the store); `current`'s is read here. */
  heads?: readonly RecordedHead[];
  /** Runs before each append and may refuse it (the runner checks it still holds the host lock). */
  guard?: () => Promise<void>;
}

export async function openJournal(options: OpenJournalOptions): Promise<Journal> {
  const { transport, executionId, sink } = options;
  const now = options.now ?? (() => new Date());
  const verify = verifyOf(options);
  const path = journalPathFor(executionId);
  const file = `${transport.hostName}:${path}`;
  const text = await readJournalText(transport, path);
  const entries = text === undefined ? [] : ownEntries(parseJournal(text, file, verify), transport, path, executionId);
  const recorded = await recordedHeads(transport, executionId, options.heads ?? []);
  checkJournalHead(entries, recorded.heads, file);
  await mkdirHost(transport, stateDirFor(executionId));
  // A torn last line (a crash mid-append) is dropped for good before anything is appended after it.
  let size = text === undefined ? 0 : Buffer.byteLength(text);
  if (text !== undefined && text !== '' && !text.endsWith('\n')) {
    const whole = serializeJournal(entries);
    await writeDurably(transport, path, whole);
    size = Buffer.byteLength(whole);
  }
  let exists = text !== undefined;
  // Appends written, and how many of them are known to be fsynced (a sync running beside an append only
  // vouches for the appends written before it started).
  let written = 0;
  let synced = 0;
  const changedUnderUs = (found: string): FerryError => new FerryError('JOURNAL_LOCKED', `Journal ${file} is ${found} bytes long, not the ${size} this run wrote: another run is writing it`, {
    hint: 'Two runs share this execution (was the host lock removed?): stop the other run, then check ferry status.',
  });
  const write = async (data: string, sync: boolean): Promise<void> => {
    if (transport.appendFile) {
      const before = await transport.appendFile(path, data, { sync: !exists ? 'dir' : sync ? 'file' : 'none', expectedSize: size });
      if (before !== size) throw changedUnderUs(String(before));
    } else {
      const res = await transport.run(['sh', '-c', APPEND, 'sh', hostPath(transport, path), sync ? 'sync' : '', exists ? '' : 'new', String(size)], { stdin: data });
      if (res.code === 3) throw changedUnderUs(res.stderr.trim());
      if (res.code !== 0) {
        throw new FerryError('IO', `Writing the journal ${path} on ${transport.hostName} failed (exit ${res.code ?? res.signal}): ${res.stderr.trim().slice(0, 500)}`);
      }
    }
    size += Buffer.byteLength(data);
    exists = true;
    written++;
    if (sync) synced = written;
  };
  // The head goes to `current` after each synced append (when `current` names this execution): what a
  // later run compares the journal with.
  const recordHead = async (n: number): Promise<void> => {
    if (!recorded.current || n === 0) return;
    await writeCurrentExecution(transport, executionId, { seq: n, mac: entries[n - 1].mac ?? null });
  };
  // Entries written on the host just before a crash may never have reached the sink: mirror them again
  // (the sink ignores (executionId, seq) pairs it already holds).
  if (sink) for (const e of entries) await sink.appendJournalEntry(e);
  return {
    path,
    executionId,
    entries: () => entries,
    async append(event, o = {}) {
      await options.guard?.();
      const prev = entries[entries.length - 1];
      const unsigned = { ...event, v: 1, seq: entries.length + 1, at: now().toISOString(), executionId, kid: verify.key.id } as JournalEntry;
      const entry: JournalEntry = { ...unsigned, mac: entryMac(verify.key, prev?.mac ?? '', unsigned) };
      const sync = o.sync !== false;
      await write(serializeJournal([entry]), sync);
      entries.push(entry);
      if (sync) await recordHead(entries.length);
      if (sink) await sink.appendJournalEntry(entry);
      return entry;
    },
    async sync() {
      const upTo = written;
      const n = entries.length;
      if (synced >= upTo) return;
      if (transport.appendFile) await transport.appendFile(path, '', { sync: 'file' });
      else await runChecked(transport, ['sync', hostPath(transport, path)], `Syncing the journal ${path}`);
      synced = Math.max(synced, upTo);
      await recordHead(n);
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
  /** Random per acquisition: who holds the lock now, even after another process broke and retook it. */
  token?: string;
}

export interface HostLock {
  owner: LockOwner;
  /** Refreshes the heartbeat. */
  touch(): Promise<void>;
  /** Fails with JOURNAL_LOCKED unless this acquisition still holds the lock (it was not removed or retaken). */
  verify(): Promise<void>;
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

/** The lock's owner; undefined when absent or unreadable. With `strict`, a failure to reach the host is thrown, not read as "no owner". */
async function readOwner(transport: Transport, strict = false): Promise<LockOwner | undefined> {
  let text: string;
  try {
    text = (await transport.readFile(posix.join(LOCK_DIR, 'owner.json'))).toString('utf8');
  } catch (e) {
    if (strict && !isFerryError(e, 'NOT_FOUND')) throw e;
    return undefined;
  }
  try {
    const v = JSON.parse(text) as LockOwner;
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

function describeOwner(holder: LockOwner | undefined): string {
  return holder
    ? `pid ${holder.pid} on ${hostValue(holder.controller)} (execution ${hostValue(holder.executionId)}, heartbeat ${hostValue(holder.at)})`
    : 'an unknown owner';
}

/**
 * Moves the lock aside atomically, then removes it, so two breakers cannot both delete a freshly retaken lock.
 * Returns why it could not be moved (mv's error), or undefined once it was.
 */
async function breakLock(transport: Transport): Promise<string | undefined> {
  const lockHost = hostPath(transport, LOCK_DIR);
  const aside = `${lockHost}.stale-${process.pid}-${Date.now()}`;
  const moved = await transport.run(['mv', '-T', '--', lockHost, aside]);
  if (moved.code !== 0) return moved.stderr.trim() || `mv exited ${moved.code}`;
  await transport.run(['rm', '-rf', '--', aside]);
  return undefined;
}

/** Takes the host lock or throws JOURNAL_LOCKED naming the holder. Breaks a stale lock. */
export async function acquireHostLock(options: AcquireLockOptions): Promise<HostLock> {
  const { transport, executionId } = options;
  const staleAfterMs = options.staleAfterMs ?? 3_600_000;
  const now = options.now ?? (() => new Date());
  const controller = hostname();
  const lockHost = hostPath(transport, LOCK_DIR);
  await mkdirHost(transport, FERRY_STATE_ROOT);
  // Below a root, Ferry's state dir must be the root's own: a symlinked /var/lib/ferry in an image would put
  // the journal and every backup on this machine.
  await assertResolvesUnderRoot(transport, [FERRY_STATE_ROOT], 'Ferry\'s state directory');
  const owner: LockOwner = { pid: process.pid, controller, executionId, at: now().toISOString(), token: randomBytes(12).toString('hex') };
  const writeOwner = async (): Promise<void> => {
    owner.at = now().toISOString();
    await transport.writeFile(posix.join(LOCK_DIR, 'owner.json'), JSON.stringify(owner) + '\n', { mode: 0o600 });
  };
  const verify = async (): Promise<void> => {
    const current = await readOwner(transport, true);
    if (current?.token !== owner.token) {
      throw new FerryError('JOURNAL_LOCKED', `Host ${transport.hostName} lock ${LOCK_DIR} was ${current ? `taken by ${describeOwner(current)}` : 'removed'} while this run (pid ${owner.pid}, execution ${executionId}) held it`, {
        hint: 'Another run may be changing the host: stop it, then check ferry status. Remove a stale lock only with ferry unlock.',
        details: { holder: current ?? null },
      });
    }
  };

  for (let attempt = 0; attempt < 2; attempt++) {
    const res = await transport.run(['mkdir', '-m', '0700', lockHost]);
    if (res.code === 0) {
      heldHere.add(lockKey(transport));
      await writeOwner();
      let timer: NodeJS.Timeout | undefined;
      const beat = options.heartbeatMs ?? staleAfterMs / 4;
      if (beat > 0) {
        // The heartbeat never rewrites a lock that is no longer ours; the next append reports the loss.
        timer = setInterval(() => { verify().then(writeOwner).catch(() => { /* the next append reports it */ }); }, beat);
        timer.unref();
      }
      return {
        owner,
        touch: writeOwner,
        verify,
        async release() {
          if (timer) clearInterval(timer);
          heldHere.delete(lockKey(transport));
          const current = await readOwner(transport);
          if (current && current.token !== owner.token) return; // broken and retaken
          await runChecked(transport, ['rm', '-rf', '--', lockHost], `Releasing lock ${LOCK_DIR}`);
        },
      };
    }
    if (!(await transport.exists(LOCK_DIR))) {
      throw new FerryError('TRANSPORT_COMMAND', `Could not create lock ${LOCK_DIR} on ${transport.hostName}: ${res.stderr.trim()}`);
    }
    const holder = await readOwner(transport);
    if (attempt === 0 && isLockStale(holder, { staleAfterMs, now: now(), controller, heldHere: heldHere.has(lockKey(transport)) })) {
      const unbroken = await breakLock(transport);
      if (unbroken === undefined) continue;
      // No run holds this lock: say so, rather than blame the dead owner it names.
      const gone = holder && holder.controller === controller && !isPidAlive(holder.pid) ? 'which is no longer running' : `whose heartbeat is older than ${staleAfterMs / 1000} s`;
      throw new FerryError('JOURNAL_LOCKED', `Host ${transport.hostName} lock ${LOCK_DIR} is stale (left by ${describeOwner(holder)}, ${gone}) but could not be removed: ${excerpt(unbroken, 200)}`, {
        hint: `No run holds it. Make ${FERRY_STATE_ROOT} writable, then run again (the stale lock is broken) or remove it with ferry unlock.`,
        details: { holder: holder ?? null, stale: true },
      });
    }
    throw new FerryError('JOURNAL_LOCKED', `Host ${transport.hostName} is locked by ${describeOwner(holder)}: ${LOCK_DIR}`, {
      hint: 'Wait for that run to finish. If it is gone, ferry unlock removes the lock (it refuses while the owner is alive).',
      details: { holder: holder ?? null },
    });
  }
  throw new FerryError('JOURNAL_LOCKED', `Host ${transport.hostName} lock ${LOCK_DIR} could not be taken`);
}

export interface UnlockResult {
  /** The owner the removed lock named; undefined when the host was not locked. */
  removed: LockOwner | undefined;
}

/**
 * `ferry unlock`: removes the host lock of a run that is gone. Refused while the owner is alive: on this
 * controller its pid is asked; a lock of another controller is removed only with `force` (this machine
 * cannot see that process), and never while its heartbeat is younger than `staleAfterMs` unless forced.
 * The caller first refuses while a detached package-manager run is still running (its rpm transaction
 * is the thing the lock protects).
 */
export async function unlockHost(options: { transport: Transport; force?: boolean; staleAfterMs?: number; now?: Date }): Promise<UnlockResult> {
  const { transport } = options;
  if (!await transport.exists(LOCK_DIR)) return { removed: undefined };
  const holder = await readOwner(transport);
  const controller = hostname();
  const stale = isLockStale(holder, { staleAfterMs: options.staleAfterMs ?? 3_600_000, now: options.now ?? new Date(), controller, heldHere: heldHere.has(lockKey(transport)) });
  if (holder && holder.controller === controller && isPidAlive(holder.pid) && !(holder.pid === process.pid && !heldHere.has(lockKey(transport)))) {
    throw new FerryError('JOURNAL_LOCKED', `Host ${transport.hostName} lock ${LOCK_DIR} belongs to ${describeOwner(holder)}, which is alive`, {
      hint: `Wait for it, or stop it (kill ${holder.pid}) and run ferry unlock again.`,
    });
  }
  if (!stale && !options.force) {
    throw new FerryError('JOURNAL_LOCKED', `Host ${transport.hostName} lock ${LOCK_DIR} belongs to ${describeOwner(holder)}, whose heartbeat is recent; this controller cannot tell whether it is alive`, {
      hint: 'Make sure that run is gone (on its controller), then pass --force.',
    });
  }
  const unbroken = await breakLock(transport);
  if (unbroken !== undefined) {
    throw new FerryError('TRANSPORT_COMMAND', `Could not remove lock ${LOCK_DIR} on ${transport.hostName}: ${excerpt(unbroken, 200)}`);
  }
  return { removed: holder && { pid: holder.pid, controller: holder.controller, executionId: holder.executionId, at: holder.at } };
}
