// A generated fleet for the fleet benches: package lists of N hosts built from the real installed-package lists
// of the official CentOS 7.0–7.8 and 8 images in ../shared/data/manifests/docker-repo-info-2020 (NEVRA per line),
// varied the way real fleets vary, deterministically (draws are hashes of the seed, host and choice):
//  - golden image (which manifest): CentOS 8 35 %, CentOS 7 (latest build) 20 %, 7.8 8 %, 7.7 8 %, 7.6 8 %,
//    7.5 5 %, 7.4 5 %, 7.3 4 %, 7.2 3 %, 7.1 2 %, 7.0 2 %: most hosts run recent images, a tail runs old ones;
//  - patch level (EL7 only; 40/30/20/10 % for levels 0–3): level p takes, for about p/3 of the packages, the
//    NEVRA the image p minor releases later ships (real NEVRAs: partially applied updates);
//  - role (30 % none, the rest spread over 11 roles): a role drops ~2.5 % of the image's packages (trimmed
//    builds) and, on EL7, adds up to 4 packages that other real EL7 images (CentOS 7.x, Oracle Linux 7) ship
//    and this one lacks;
//  - multilib: 10 % of hosts add glibc, libgcc, zlib (and nss-softokn-freebl on EL7) for i686 at the host's
//    x86_64 EVR, as CentOS ships them;
//  - drift: 3 % of hosts miss one more package picked at random (hand-removed): mostly unique sets.
// So thousands of hosts share a few hundred package sets, and a long tail is unique, as in a real estate.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const IMAGES = [
  ['centos_8.txt', 35], ['centos_7.txt', 20], ['centos_7.8.2003.txt', 8], ['centos_7.7.1908.txt', 8], ['centos_7.6.1810.txt', 8],
  ['centos_7.5.1804.txt', 5], ['centos_7.4.1708.txt', 5], ['centos_7.3.1611.txt', 4], ['centos_7.2.1511.txt', 3], ['centos_7.1.1503.txt', 2],
  ['centos_7.0.1406.txt', 2],
];
/** EL7 images oldest first, for patch levels. */
const EL7_ORDER = ['centos_7.0.1406.txt', 'centos_7.1.1503.txt', 'centos_7.2.1511.txt', 'centos_7.3.1611.txt', 'centos_7.4.1708.txt',
  'centos_7.5.1804.txt', 'centos_7.6.1810.txt', 'centos_7.7.1908.txt', 'centos_7.8.2003.txt', 'centos_7.txt'];
const EL7_EXTRAS = ['oraclelinux_7.9.txt', 'oraclelinux_7-slim.txt', ...EL7_ORDER];
const MULTILIB = { 7: ['glibc', 'libgcc', 'zlib', 'nss-softokn-freebl'], 8: ['glibc', 'libgcc', 'zlib'] };

/** A uniform draw in [0, 1) for host `i`'s choice `what`: the same seed gives the same fleet. */
function draw(seed, i, what) {
  return createHash('sha256').update(`${seed}:${i}:${what}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** FNV-1a of a string: a stable per-name choice. */
function hash(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function pickWeighted(x01, items) {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = x01 * total;
  for (const [v, w] of items) if ((x -= w) < 0) return v;
  return items.at(-1)[0];
}

/** `name-version-release.arch` → [name, rest]. */
function split(nevra) {
  const m = /^(.+)-([^-]+)-([^-]+)\.([^.]+)$/.exec(nevra);
  return m ? { name: m[1], evr: `${m[2]}-${m[3]}`, arch: m[4] } : undefined;
}

export function readManifests(dir) {
  const lists = new Map();
  for (const f of new Set([...IMAGES.map(([f]) => f), ...EL7_EXTRAS])) {
    lists.set(f, readFileSync(join(dir, f), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean));
  }
  return lists;
}

/**
 * `count` hosts: [{name, list}] where list is the host's package list text (NEVRA per line, sorted). Hosts with
 * equal lists share the same string, so callers can group them cheaply.
 */
export function generateFleet(manifests, count, seed = 16) {
  const byKey = new Map();
  const hosts = [];
  for (let i = 0; i < count; i++) {
    const image = pickWeighted(draw(seed, i, 'image'), IMAGES);
    const major = image === 'centos_8.txt' ? 8 : 7;
    const patch = major === 7 ? pickWeighted(draw(seed, i, 'patch'), [[0, 40], [1, 30], [2, 20], [3, 10]]) : 0;
    const role = draw(seed, i, 'role') < 0.3 ? 0 : 1 + Math.floor(draw(seed, i, 'which role') * 11);
    const multilib = draw(seed, i, 'multilib') < 0.1;
    const drift = draw(seed, i, 'drift') < 0.03 ? draw(seed, i, 'drifted package') : -1;
    const key = `${image}|${patch}|${role}|${multilib}|${drift}`;
    let list = byKey.get(key);
    if (list === undefined) {
      list = buildList(manifests, { image, major, patch, role, multilib, drift });
      byKey.set(key, list);
    }
    hosts.push({ name: `host-${String(i + 1).padStart(5, '0')}`, list });
  }
  return hosts;
}

function buildList(manifests, o) {
  let pkgs = manifests.get(o.image).map(split).filter(Boolean);
  if (o.patch > 0) {
    const newer = manifests.get(EL7_ORDER[Math.min(EL7_ORDER.indexOf(o.image) + o.patch, EL7_ORDER.length - 1)]);
    const newest = new Map(newer.map(split).filter(Boolean).map((p) => [`${p.name}.${p.arch}`, p]));
    pkgs = pkgs.map((p) => (hash(p.name) % 3 < o.patch ? newest.get(`${p.name}.${p.arch}`) ?? p : p));
  }
  if (o.role > 0) {
    pkgs = pkgs.filter((p) => hash(`${o.role}:${p.name}`) % 40 !== 0);
    if (o.major === 7) {
      const have = new Set(pkgs.map((p) => p.name));
      const extras = [...new Map(EL7_EXTRAS.flatMap((f) => manifests.get(f)).map(split).filter((p) => p && !have.has(p.name)).map((p) => [p.name, p])).values()]
        .sort((a, b) => hash(`${o.role}+${a.name}`) - hash(`${o.role}+${b.name}`));
      pkgs.push(...extras.slice(0, o.role % 5));
    }
  }
  if (o.multilib) {
    for (const name of MULTILIB[o.major]) {
      const x = pkgs.find((p) => p.name === name && p.arch === 'x86_64');
      if (x) pkgs.push({ ...x, arch: 'i686' });
    }
  }
  if (o.drift >= 0) pkgs.splice(Math.floor(o.drift * pkgs.length), 1);
  return pkgs.map((p) => `${p.name}-${p.evr}.${p.arch}`).sort().join('\n') + '\n';
}
