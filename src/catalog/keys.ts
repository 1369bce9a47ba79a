/**
 * The GPG key armor the catalog names, shipped inside the package (data/keys/, see its README): read from the
 * catalog's own data directory, never from ../shared, so an installed Ferry finds the keys it imports, and
 * checked against the fingerprints the catalog records before anyone gets to import it. The OpenPGP
 * reading here is only what that check needs: ASCII armor (RFC 4880 §6.2) → packets (§4.2, old and new
 * format headers) → the fingerprint of each primary public key (v4: SHA-1 over 0x99, a 2-octet length and
 * the key packet body, §12.2; v5/v6: SHA-256 over 0x9A/0x9B, a 4-octet length and the body, RFC 9580 §5.5.4).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FerryError } from '../core/index.js';
import type { Catalog } from './load.js';
import type { GpgKeyFile } from './types.js';

/** A key file ready to import: its armor and the primary-key fingerprints it must hold. */
export interface KeyArmor {
  /** The file name the key is known by (e.g. RPM-GPG-KEY-Rocky-8). */
  name: string;
  armored: string;
  /** Upper-case hex, as the catalog records them. */
  fingerprints: string[];
}

const PUBLIC_KEY_TAG = 6;

/** The binary contents of every `PGP PUBLIC KEY BLOCK` in `text` (text around the blocks is ignored). */
export function dearmor(text: string, what: string): Buffer[] {
  const blocks: Buffer[] = [];
  const re = /-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n([\s\S]*?)-----END PGP PUBLIC KEY BLOCK-----/g;
  for (const m of text.matchAll(re)) {
    const lines = m[1].split(/\r?\n/);
    const blank = lines.findIndex((l) => l.trim() === '');
    if (blank < 0) throw new FerryError('CATALOG_INVALID', `${what}: an armor block has no blank line after its headers`);
    const body = lines.slice(blank + 1).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('='));
    blocks.push(Buffer.from(body.join(''), 'base64'));
  }
  if (blocks.length === 0) throw new FerryError('CATALOG_INVALID', `${what} holds no PGP PUBLIC KEY BLOCK`);
  return blocks;
}

/** Splits an OpenPGP packet stream into `{tag, body}`; a truncated or partial-length packet is an error. */
function packets(data: Buffer, what: string): { tag: number; body: Buffer }[] {
  const out: { tag: number; body: Buffer }[] = [];
  let at = 0;
  const fail = (why: string): never => {
    throw new FerryError('CATALOG_INVALID', `${what}: malformed OpenPGP packet at byte ${at}: ${why}`);
  };
  while (at < data.length) {
    const head = data[at];
    if ((head & 0x80) === 0) fail('no packet tag');
    let tag: number;
    let length: number;
    let start: number;
    if (head & 0x40) {
      tag = head & 0x3f;
      const l0 = data[at + 1];
      if (l0 === undefined) fail('no length');
      if (l0 < 192) { length = l0; start = at + 2; }
      else if (l0 < 224) { length = ((l0 - 192) << 8) + data[at + 2] + 192; start = at + 3; }
      else if (l0 === 255) { length = data.readUInt32BE(at + 2); start = at + 6; }
      else return fail('partial body lengths are not used by key packets');
    } else {
      tag = (head >> 2) & 0x0f;
      const kind = head & 0x03;
      if (kind === 3) fail('indeterminate length');
      const size = 1 << kind;
      if (at + 1 + size > data.length) fail('truncated length');
      length = size === 1 ? data[at + 1] : size === 2 ? data.readUInt16BE(at + 1) : data.readUInt32BE(at + 1);
      start = at + 1 + size;
    }
    if (start + length > data.length) fail(`body of ${length} bytes runs past the end`);
    out.push({ tag, body: data.subarray(start, start + length) });
    at = start + length;
  }
  return out;
}

/** The primary-key fingerprints of an armored key file, upper-case hex, in file order. */
export function armorFingerprints(text: string, what: string): string[] {
  return dearmor(text, what).flatMap((block) => packets(block, what).filter((p) => p.tag === PUBLIC_KEY_TAG).map(({ body }) => {
    const version = body[0];
    if (version === 4) {
      const prefix = Buffer.from([0x99, body.length >> 8, body.length & 0xff]);
      return createHash('sha1').update(prefix).update(body).digest('hex').toUpperCase();
    }
    if (version === 5 || version === 6) {
      const prefix = Buffer.alloc(5);
      prefix[0] = version === 5 ? 0x9a : 0x9b;
      prefix.writeUInt32BE(body.length, 1);
      return createHash('sha256').update(prefix).update(body).digest('hex').toUpperCase();
    }
    throw new FerryError('CATALOG_INVALID', `${what}: public key version ${version} is not supported`);
  }));
}

const SHARED_PREFIX = 'gpg-keys/keys/';

/** Where a key file's armor is in the catalog's data directory: keys/ mirrors ../shared/data/gpg-keys/keys/. */
export function keyArmorPath(catalog: Pick<Catalog, 'dataDir'>, file: Pick<GpgKeyFile, 'sharedPath'>): string {
  const rel = file.sharedPath.startsWith(SHARED_PREFIX) ? file.sharedPath.slice(SHARED_PREFIX.length) : file.sharedPath;
  return join(catalog.dataDir, 'keys', rel);
}

/**
 * Reads a vendored key file and checks that it holds exactly the fingerprints the catalog records for it,
 * so a missing, damaged or substituted file fails here, naming it, instead of reaching a host or leaving
 * the plan without the target's keys.
 */
export function readKeyArmor(catalog: Pick<Catalog, 'dataDir'>, keyFile: GpgKeyFile): KeyArmor {
  const path = keyArmorPath(catalog, keyFile);
  let armored: string;
  try {
    armored = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new FerryError('IO', `cannot read the GPG key file ${path}`, { cause, hint: 'the Ferry installation is incomplete: reinstall it' });
  }
  const fingerprints = keyFile.keys.map((k) => k.fingerprint.toUpperCase());
  const got = armorFingerprints(armored, path);
  if ([...got].sort().join() !== [...fingerprints].sort().join()) {
    throw new FerryError('CATALOG_INVALID', `GPG key file ${path} holds ${got.join(', ') || 'no key'}, the catalog expects ${fingerprints.join(', ')}`, {
      hint: 'the Ferry installation is damaged: reinstall it',
    });
  }
  return { name: keyFile.file, armored, fingerprints };
}

/** A release's signing keys: file name, armor and the fingerprints the catalog expects of it (upper-case). */
export function releaseKeyArmor(catalog: Catalog, releaseId: string): KeyArmor[] {
  return catalog.gpgKeys(releaseId).files.map((f) => readKeyArmor(catalog, f));
}
