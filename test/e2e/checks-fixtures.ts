/**
 * What turns a lab root into a host that exhibits a check's finding: files a real EL host carries in
 * that state (FIPS marker, Spacewalk registration, graphical default target), a damaged rpm header, a
 * small filesystem (tmpfs) under the root, an os-release the catalog does not know, and a root whose
 * packages are all signed. Each helper acts on one root directory; the caller owns the lifetime.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dnfArgsFor, type LabDistro } from '../lab/lab.js';
import { assert } from '../../src/core/index.js';

function sh(argv: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function put(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

function link(root: string, path: string, target: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  symlinkSync(target, join(root, path));
}

/** /etc/system-fips as dracut-fips (EL7) ships it and fips-mode-setup (EL8) writes it. */
export function enableFipsMarker(root: string): void {
  put(root, '/etc/system-fips', '# FIPS module installation complete\n');
}

/**
 * A Spacewalk registration (rhn-client-tools' /etc/sysconfig/rhn/up2date plus the systemid that
 * rhnreg_ks writes) and an unregistered subscription-manager (/etc/rhsm/rhsm.conf only).
 */
export function registerSpacewalk(root: string): void {
  put(root, '/etc/sysconfig/rhn/up2date', 'serverURL=https://spacewalk.lab.invalid/XMLRPC\nenableProxy=0\n');
  put(root, '/etc/sysconfig/rhn/systemid', '<?xml version="1.0"?>\n<params><param><value><struct>\n'
    + '<member><name>system_id</name><value><string>ID-1000010000</string></value></member>\n</struct></value></param></params>\n');
  put(root, '/etc/rhsm/rhsm.conf', '[server]\nhostname = subscription.rhsm.redhat.com\n');
}

/** `systemctl set-default graphical.target` and `systemctl enable gdm` as symlinks under /etc/systemd/system. */
export function makeGraphical(root: string): void {
  link(root, '/etc/systemd/system/default.target', '/usr/lib/systemd/system/graphical.target');
  link(root, '/etc/systemd/system/display-manager.service', '/usr/lib/systemd/system/gdm.service');
}

/** An os-release of a distribution no catalog knows (replaces the /etc/os-release symlink with a file). */
export function setForeignOsRelease(root: string): void {
  rmSync(join(root, 'etc/os-release'), { force: true });
  put(root, '/etc/os-release', 'NAME="Ferry Lab Linux"\nID=ferrylab\nVERSION_ID=1\nPRETTY_NAME="Ferry Lab Linux 1"\n');
}

/** Region tag 63 (RPMTAG_HEADERIMMUTABLE), type 7 (BIN): the first index entry of every installed header. */
const REGION_ENTRY = Buffer.from([0, 0, 0, 63, 0, 0, 0, 7]);

/**
 * Damages the installed header of package `name` in the root's rpmdb.sqlite in place: the region
 * entry's offset and count become 0xffffffff, so rpm skips that header ("rpmdbNextIterator: skipping
 * h# …") and lists the others. Verified with rpm: the package must be gone from `rpm -qa`.
 */
export function breakRpmHeader(root: string, name: string, env: NodeJS.ProcessEnv): void {
  const file = join(root, 'var/lib/rpm/rpmdb.sqlite');
  const db = readFileSync(file);
  const needle = Buffer.from(`${name}\0`);
  let hit = -1;
  for (let at = db.indexOf(REGION_ENTRY); at >= 8; at = db.indexOf(REGION_ENTRY, at + 1)) {
    const start = at - 8; // il, dl, then the index entries
    const il = db.readUInt32BE(start);
    const dl = db.readUInt32BE(start + 4);
    const end = start + 8 + 16 * il + dl;
    if (il === 0 || il > 1000 || end > db.length) continue;
    if (db.subarray(start + 8 + 16 * il, end).indexOf(needle) >= 0) { hit = at; break; }
  }
  if (hit < 0) throw new Error(`no installed header of ${name} in ${file}`);
  db.fill(0xff, hit + 8, hit + 16);
  writeFileSync(file, db);
  const names = sh(['rpm', '--root', root, '-qa', '--qf', '%{NAME}\\n'], env).split('\n');
  if (names.includes(name)) throw new Error(`rpm still reads the header of ${name}`);
}

/**
 * Mounts a tmpfs of `sizeMiB` on `dir`, keeping its content (copied aside and back). Returns the
 * unmount function; the content on the tmpfs is lost with it. Needs root (CAP_SYS_ADMIN).
 */
export function mountSmallFs(dir: string, sizeMiB: number): () => void {
  const saved = mkdtempSync(`${dir}.saved-`);
  sh(['cp', '-a', `${dir}/.`, saved]);
  sh(['mount', '-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0755`, 'ferry-lab-small', dir]);
  try {
    sh(['cp', '-a', `${saved}/.`, dir]);
  } catch (err) {
    sh(['umount', dir]);
    throw err;
  }
  rmSync(saved, { recursive: true, force: true });
  let mounted = true;
  return () => {
    if (!mounted) return;
    mounted = false;
    sh(['umount', dir]);
  };
}

/**
 * Replaces the root's content with `packages` installed by dnf from `signed` lab repos with gpgcheck on:
 * every package carries the lab key's signature and the key is imported as gpg-pubkey.
 */
export function installSignedRoot(root: string, signed: LabDistro[], packages: string[], env: NodeJS.ProcessEnv, work: string): void {
  assert(signed.every((d) => d.signed), 'installSignedRoot takes signed lab repos only');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root);
  sh(['dnf', ...dnfArgsFor(root, work, signed), 'install', ...packages], env);
  rmSync(join(root, 'var/cache/dnf'), { recursive: true, force: true });
}
