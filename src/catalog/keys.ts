/**
 * The GPG key armor the catalog names, shipped inside the package (data/keys/, see its README): read from the
 * catalog's own data directory, never from ../shared, so an installed Ferry finds the keys it imports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from './load.js';
import type { GpgKeyFile } from './types.js';

const SHARED_PREFIX = 'gpg-keys/keys/';

/** Where a key file's armor is in the catalog's data directory. */
export function keyArmorPath(catalog: Pick<Catalog, 'dataDir'>, file: Pick<GpgKeyFile, 'sharedPath'>): string {
  const rel = file.sharedPath.startsWith(SHARED_PREFIX) ? file.sharedPath.slice(SHARED_PREFIX.length) : file.sharedPath;
  return join(catalog.dataDir, 'keys', rel);
}

/** A release's signing keys: file name, armor and the fingerprints the catalog expects of it (upper-case). */
export function releaseKeyArmor(catalog: Catalog, releaseId: string): { name: string; armored: string; fingerprints: string[] }[] {
  return catalog.gpgKeys(releaseId).files.flatMap((f) => {
    const path = keyArmorPath(catalog, f);
    return existsSync(path) ? [{ name: f.file, armored: readFileSync(path, 'utf8'), fingerprints: f.keys.map((k) => k.fingerprint.toUpperCase()) }] : [];
  });
}
