// The vendored key armor (data/keys) is what the catalog names: every key file is there, byte-identical to
// its ../shared copy when that exists, and releaseKeyArmor returns it with the catalog's fingerprints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { loadCatalog } from './index.js';
import { keyArmorPath, releaseKeyArmor } from './keys.js';
import { sharedPath, skipUnlessShared } from '../../test/support/shared.js';

const catalog = loadCatalog();

test('every key file the catalog names is vendored with armor', () => {
  const files = catalog.gpgKeyFiles();
  assert.ok(files.length > 50);
  for (const f of files) {
    const path = keyArmorPath(catalog, f);
    assert.ok(existsSync(path), `${f.sharedPath} is not vendored at ${path}`);
    assert.match(readFileSync(path, 'utf8'), /BEGIN PGP PUBLIC KEY BLOCK/, path);
  }
  const rocky = releaseKeyArmor(catalog, 'rocky-8');
  assert.ok(rocky.length > 0 && rocky.every((k) => k.fingerprints.length > 0 && k.fingerprints.every((fp) => /^[0-9A-F]{40}$/.test(fp))));
});

test('the vendored armor is byte-identical to ../shared/data', { skip: skipUnlessShared('gpg-keys') }, () => {
  for (const f of catalog.gpgKeyFiles()) {
    assert.ok(readFileSync(keyArmorPath(catalog, f)).equals(readFileSync(sharedPath(f.sharedPath))), f.sharedPath);
  }
});
