// The vendored key armor (data/keys) is what the catalog names: every key file is there and nothing else,
// byte-identical to its ../shared copy when that exists, holding exactly the catalog's fingerprints (parsed
// here and by gpg); releaseKeyArmor returns it checked, and refuses a missing or substituted file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { sharedPath, skipUnlessShared, skipUnlessTools } from '../../test/support/shared.js';
import { isFerryError, type ErrorCode } from '../core/index.js';
import { loadCatalog } from './index.js';
import { armorFingerprints, keyArmorPath, readKeyArmor, releaseKeyArmor } from './keys.js';

const catalog = loadCatalog();
const files = catalog.gpgKeyFiles();
const armorOf = (f: { sharedPath: string }): string => readFileSync(keyArmorPath(catalog, f), 'utf8');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]);
}

test('every key file the catalog names is vendored, and keys/ holds nothing else but its README', () => {
  assert.ok(files.length > 50, `${files.length}`);
  const keys = join(catalog.dataDir, 'keys');
  assert.deepEqual(listFiles(keys).map((f) => relative(keys, f)).sort(), [...files.map((f) => relative(keys, keyArmorPath(catalog, f))), 'README.md'].sort());
});

/**
 * Key files holding primary keys that ../shared/data/gpg-keys/fingerprints.tsv (the catalog's source) does not
 * list: RHEL 10's release file also carries the auxiliary key 3 (listed for RPM-GPG-KEY-redhat10-release-without-PQC)
 * and a v6 post-quantum key (a 64-hex fingerprint the tsv's tool did not read). No release names them, and
 * readKeyArmor refuses them, as the import step's gpg check on the host would.
 */
const MORE_KEYS_THAN_LISTED: Record<string, string[]> = {
  'RPM-GPG-KEY-redhat10-release': ['7E4624258C406535D56D6F135054E4A45A6340B3', 'FCD355B305707A62DA143AB6E422397E50FE8467A2A95343D246D6276AFEDF8F'],
};

test('every vendored key file holds exactly the fingerprints the catalog records (OpenPGP packets parsed here)', () => {
  const named = new Set(catalog.releases().flatMap((r) => catalog.gpgKeys(r.id).files.map((f) => f.file)));
  for (const f of files) {
    const extra = MORE_KEYS_THAN_LISTED[f.file] ?? [];
    assert.deepEqual(armorFingerprints(armorOf(f), f.file).sort(), [...f.keys.map((k) => k.fingerprint), ...extra].sort(), f.sharedPath);
    if (extra.length) {
      assert.ok(!named.has(f.file), `${f.file} is named by a release but holds keys the catalog does not list`);
      assert.throws(() => readKeyArmor(catalog, f), (err) => isFerryError(err, 'CATALOG_INVALID'));
    }
  }
});

test('gpg reads the same primary keys from every vendored file', { skip: skipUnlessTools('gpg') }, () => {
  const home = mkdtempSync(join(tmpdir(), 'ferry-gpg-'));
  try {
    for (const f of files) {
      const ours = armorFingerprints(armorOf(f), f.file);
      const shown = spawnSync('gpg', ['--batch', '--no-options', '--homedir', home, '--with-colons', '--show-keys', keyArmorPath(catalog, f)], { encoding: 'utf8' });
      if (shown.status !== 0) {
        // GnuPG 2.2 (Debian 12) reads no v6 key: such a file is the one case it may refuse.
        assert.ok(ours.some((fp) => fp.length === 64), `${f.sharedPath}: gpg fails on a file of v4 keys: ${shown.stderr}`);
        continue;
      }
      const records = shown.stdout.split('\n').map((l) => l.split(':'));
      const listed = new Set(records.filter((r) => r[0] === 'fpr').map((r) => r[9]));
      assert.equal(records.filter((r) => r[0] === 'pub').length, ours.length, `${f.sharedPath}: primary keys`);
      for (const fp of ours) assert.ok(listed.has(fp), `${f.sharedPath}: gpg does not list ${fp}`);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('the vendored armor is byte-identical to ../shared/data', { skip: skipUnlessShared('gpg-keys') }, () => {
  for (const f of files) assert.ok(readFileSync(keyArmorPath(catalog, f)).equals(readFileSync(sharedPath(f.sharedPath))), f.sharedPath);
});

test('releaseKeyArmor gives each release its checked armor; a release without key files gets none', () => {
  const rocky = releaseKeyArmor(catalog, 'rocky-8');
  assert.deepEqual(rocky.map((k) => [k.name, k.fingerprints]), [['RPM-GPG-KEY-Rocky-8', ['7051C470A929F454CEBE37B715AF5DAC6D745A60']]]);
  assert.match(rocky[0].armored, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/m);
  for (const r of catalog.releases()) assert.equal(releaseKeyArmor(catalog, r.id).length, catalog.gpgKeys(r.id).files.length, r.id);
  const without = catalog.releases().find((r) => catalog.gpgKeys(r.id).files.length === 0);
  assert.ok(without, 'some release has no key file');
  assert.deepEqual(releaseKeyArmor(catalog, without.id), []);
});

test('a missing, damaged or substituted key file is refused, naming the file', () => {
  const rocky = files.find((f) => f.file === 'RPM-GPG-KEY-Rocky-8');
  const alma = files.find((f) => f.file === 'RPM-GPG-KEY-AlmaLinux-9');
  assert.ok(rocky && alma);
  const lines = armorOf(rocky).split('\n');
  const firstData = lines.findIndex((l, i) => i > 0 && lines[i - 1].trim() === '');
  const truncated = [...lines.slice(0, firstData + 1), '=abcd', '-----END PGP PUBLIC KEY BLOCK-----', ''].join('\n');
  const cases: { name: string; content?: string; code: ErrorCode; message: RegExp }[] = [
    { name: 'another key under the same name', content: armorOf(alma), code: 'CATALOG_INVALID', message: /RPM-GPG-KEY-Rocky-8 holds [0-9A-F]{40}, the catalog expects 7051C470/ },
    { name: 'no armor block', content: 'not a key\n', code: 'CATALOG_INVALID', message: /RPM-GPG-KEY-Rocky-8 holds no PGP PUBLIC KEY BLOCK/ },
    { name: 'a truncated packet', content: truncated, code: 'CATALOG_INVALID', message: /RPM-GPG-KEY-Rocky-8: malformed OpenPGP packet at byte 0: body of \d+ bytes runs past the end/ },
    { name: 'a missing file', code: 'IO', message: /cannot read the GPG key file .*RPM-GPG-KEY-Rocky-8/ },
  ];
  for (const c of cases) {
    const dataDir = mkdtempSync(join(tmpdir(), 'ferry-keys-'));
    try {
      if (c.content !== undefined) {
        const path = keyArmorPath({ dataDir }, rocky);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, c.content);
      }
      assert.throws(() => readKeyArmor({ dataDir }, rocky), (err) => isFerryError(err, c.code) && c.message.test(err.message), c.name);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
});
