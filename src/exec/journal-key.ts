/**
 * The journal's integrity check, keyed by the controller. A journal lives on the host (or inside an image),
 * so whoever controls the host can edit it; rollback and resume act on what it says, as root. Every entry
 * therefore carries `mac` = HMAC-SHA256(key, previous entry's mac + "\n" + canonical JSON of the entry
 * without its mac) and `kid`, the key's id. The chain makes an edited, inserted, reordered or removed entry
 * fail the check at its line; only cutting entries off the end keeps the chain whole, which the journal's
 * recorded head (journal.ts) catches.
 *
 * The key is 32 random bytes in `$FERRY_HOME/journal.key` (FERRY_HOME defaults to ~/.local/share/ferry),
 * created mode 0600 on first use and never sent anywhere. A journal written by another controller carries
 * another `kid`: it is refused with a hint, unless the caller trusts it explicitly (its restorables are
 * then still checked, see restorables.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, FerryError, sha256Hex } from '../core/index.js';

export interface JournalKey {
  /** The key's public id: the first 16 hex digits of the sha256 of the secret. */
  id: string;
  secret: Buffer;
}

/** Ferry's home on the controller: `$FERRY_HOME`, or `~/.local/share/ferry`. */
export function ferryHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.FERRY_HOME || join(homedir(), '.local', 'share', 'ferry');
}

export function journalKeyFrom(secret: Buffer): JournalKey {
  return { id: sha256Hex(secret).slice(0, 16), secret };
}

/** Reads `home/journal.key`, creating it (0600, 32 random bytes as hex) when absent. */
export function loadJournalKey(home = ferryHome()): JournalKey {
  const file = join(home, 'journal.key');
  const parse = (text: string): JournalKey => {
    if (!/^[0-9a-f]{64}\n?$/.test(text)) {
      throw new FerryError('IO', `The journal key ${file} is not 64 hex digits`, { hint: 'Restore it from a backup; without it, journals this controller wrote cannot be verified.' });
    }
    return journalKeyFrom(Buffer.from(text.trim(), 'hex'));
  };
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (e instanceof FerryError) throw e;
      throw new FerryError('IO', `Reading the journal key ${file} failed: ${(e as Error).message}`, { cause: e });
    }
  }
  try {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    // wx: two processes creating it at once both end up with the one that won.
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new FerryError('IO', `Creating the journal key ${file} failed: ${(e as Error).message}`, { cause: e });
  }
  return parse(readFileSync(file, 'utf8'));
}

/** The mac of `entry` (its own `mac` field left out) chained after `prevMac` ('' for the first entry). */
export function entryMac(key: JournalKey, prevMac: string, entry: object): string {
  const { mac: _mac, ...rest } = entry as Record<string, unknown>;
  void _mac;
  return createHmac('sha256', key.secret).update(`${prevMac}\n${canonicalJson(rest)}`).digest('hex');
}

export function macMatches(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
