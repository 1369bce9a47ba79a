/**
 * Boot configuration as files, for the bootloader step and verification: Boot Loader Specification
 * entries (`/boot/loader/entries/<machine-id>-<kver>.conf`, written by kernel-install on EL8+), the GRUB
 * environment block (`grubenv`, whose `saved_entry` names the default BLS entry when GRUB_DEFAULT=saved),
 * and `efibootmgr -v` output. Reading files instead of asking grubby works on an installed root (image,
 * lab), where no boot loader runs and grubby would look at the controller's /boot.
 */
import { posix } from 'node:path';
import { FerryError } from '../core/index.js';
import { compareEvr, parseEvr } from '../rpm/evr.js';
import type { Transport } from '../transport/types.js';
import { hostPath } from './journal.js';
import { rpmArgv } from './package-manager/index.js';

export const BLS_DIR = '/boot/loader/entries';
export const GRUBENV_CANDIDATES = ['/boot/grub2/grubenv'];
const GRUBENV_HEADER = '# GRUB Environment Block\n';
const GRUBENV_SIZE = 1024;

export interface BlsEntry {
  /** The file name without `.conf`: what `saved_entry` names. */
  id: string;
  title: string;
  version: string;
  /** The `linux` line as written (relative to the partition holding /boot). */
  linux: string;
}

/** Parses one BLS entry file (`key value` lines, `#` comments). */
export function parseBlsEntry(id: string, text: string): BlsEntry {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([a-z_]+)\s+(.*?)\s*$/.exec(line);
    if (m && !kv.has(m[1])) kv.set(m[1], m[2]);
  }
  return { id, title: kv.get('title') ?? '', version: kv.get('version') ?? '', linux: kv.get('linux') ?? '' };
}

/** The host path of an entry's kernel: `/vmlinuz-x` is relative to a separate /boot partition. */
export function blsKernelPath(entry: BlsEntry): string {
  if (!entry.linux) return '';
  return entry.linux.startsWith('/boot/') ? entry.linux : posix.join('/boot', entry.linux);
}

/** Kernel release (`uname -r`) of an entry, from its `linux` image name. */
export function blsKernelRelease(entry: BlsEntry): string {
  return /vmlinuz-(.+)$/.exec(entry.linux)?.[1] ?? entry.version;
}

/** Reads every `*.conf` below /boot/loader/entries; undefined when the directory does not exist. */
export async function readBlsEntries(transport: Transport): Promise<BlsEntry[] | undefined> {
  const dir = hostPath(transport, BLS_DIR);
  const ls = await transport.run(['sh', '-c', '[ -d "$1" ] || exit 3; for f in "$1"/*.conf; do [ -f "$f" ] && basename "$f"; done; true', 'sh', dir]);
  if (ls.code === 3) return undefined;
  const out: BlsEntry[] = [];
  for (const name of ls.stdout.split('\n').filter(Boolean).sort()) {
    out.push(parseBlsEntry(name.replace(/\.conf$/, ''), (await transport.readFile(posix.join(BLS_DIR, name))).toString('utf8')));
  }
  return out;
}

/** Parses a GRUB environment block; undefined when the header is missing (not a grubenv). */
export function parseGrubenv(text: string): Map<string, string> | undefined {
  if (!text.startsWith(GRUBENV_HEADER)) return undefined;
  const vars = new Map<string, string>();
  for (const line of text.slice(GRUBENV_HEADER.length).split('\n')) {
    if (line.startsWith('#') || !line.includes('=')) continue;
    const i = line.indexOf('=');
    vars.set(line.slice(0, i), line.slice(i + 1));
  }
  return vars;
}

/**
 * Sets one variable in a GRUB environment block and returns the new 1024-byte block, keeping the other
 * variables and their order, padded with `#` as grub2-editenv writes it. Values are limited to characters
 * that need no escaping in the block; a block that does not parse or would overflow is refused.
 */
export function setGrubenvVar(current: string | undefined, key: string, value: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(key) || !/^[A-Za-z0-9._+:@~^-]+$/.test(value)) {
    throw new FerryError('USAGE', `grubenv: refusing to write ${key}=${value} (characters grub would need escaped)`);
  }
  const vars = current === undefined ? new Map<string, string>() : parseGrubenv(current);
  if (!vars) throw new FerryError('STEP_FAILED', 'grubenv does not start with "# GRUB Environment Block"; not editing it', { hint: 'Inspect the file; recreate it with grub2-editenv create.' });
  vars.set(key, value);
  const body = GRUBENV_HEADER + [...vars].map(([k, v]) => `${k}=${v}\n`).join('');
  if (Buffer.byteLength(body) > GRUBENV_SIZE) throw new FerryError('STEP_FAILED', `grubenv would exceed ${GRUBENV_SIZE} bytes`);
  return body + '#'.repeat(GRUBENV_SIZE - Buffer.byteLength(body));
}

/**
 * Resolves a path's symlinks inside the transport's root (on EL8 UEFI, /boot/grub2/grubenv links to
 * ../efi/EFI/<vendor>/grubenv): an absolute link target is taken below the root, not on the controller.
 * Returns the host path of the final file, or undefined when nothing exists there.
 */
export async function resolveInRoot(transport: Transport, path: string): Promise<{ path: string; exists: boolean }> {
  let p = path;
  for (let i = 0; i < 8; i++) {
    const res = await transport.run(['readlink', '--', hostPath(transport, p)]);
    if (res.code !== 0) break; // not a symlink (or absent)
    const target = res.stdout.replace(/\n$/, '');
    p = target.startsWith('/') ? posix.normalize(target) : posix.normalize(posix.join(posix.dirname(p), target));
  }
  return { path: p, exists: await transport.exists(p) };
}

/** The grubenv file (resolved) and its variables; undefined path when the host has none of the candidates. */
export async function readGrubenv(transport: Transport): Promise<{ path: string; text: string | undefined; vars: Map<string, string> | undefined } | undefined> {
  for (const c of GRUBENV_CANDIDATES) {
    const r = await resolveInRoot(transport, c);
    if (r.exists) {
      const text = (await transport.readFile(r.path)).toString('latin1');
      return { path: r.path, text, vars: parseGrubenv(text) };
    }
    if (r.path !== c) return { path: r.path, text: undefined, vars: undefined }; // a dangling link: write where it points
  }
  return undefined;
}

/**
 * The entry GRUB boots by default with blscfg: `saved_entry` when it names an entry, else the first entry
 * in blscfg's order (version descending, compared like rpm).
 */
export function defaultBlsEntry(entries: BlsEntry[], savedEntry: string | undefined): { entry: BlsEntry | undefined; why: string } {
  const saved = savedEntry ? entries.find((e) => e.id === savedEntry) : undefined;
  if (saved) return { entry: saved, why: `saved_entry=${savedEntry}` };
  const sorted = [...entries].sort((a, b) => compareKernelRelease(b, a));
  return { entry: sorted[0], why: savedEntry ? `saved_entry=${savedEntry} names no entry; first by version` : 'no saved_entry; first by version' };
}

function compareKernelRelease(a: BlsEntry, b: BlsEntry): number {
  try {
    return compareEvr(parseEvr(blsKernelRelease(a)), parseEvr(blsKernelRelease(b)));
  } catch {
    return blsKernelRelease(a).localeCompare(blsKernelRelease(b));
  }
}

export interface EfiBootEntry {
  bootnum: string;
  label: string;
  active: boolean;
  /** The device path printed by -v (empty without -v). */
  path: string;
  /** The loader file inside the ESP, from `File(\EFI\…)`, with forward slashes; null for non-file entries. */
  file: string | null;
}

export interface EfiBootInfo {
  current: string | null;
  order: string[];
  entries: EfiBootEntry[];
}

/** Parses `efibootmgr -v` output (tab- or space-separated label and device path). */
export function parseEfibootmgr(text: string): EfiBootInfo {
  const info: EfiBootInfo = { current: null, order: [], entries: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const cur = /^BootCurrent:\s*([0-9A-Fa-f]{4})/.exec(line);
    if (cur) { info.current = cur[1].toUpperCase(); continue; }
    const ord = /^BootOrder:\s*(\S+)/.exec(line);
    if (ord) { info.order = ord[1].split(',').map((s) => s.toUpperCase()); continue; }
    const e = /^Boot([0-9A-Fa-f]{4})(\*?)\s+(.*)$/.exec(line);
    if (!e) continue;
    const rest = e[3];
    // efibootmgr separates label and device path with a tab; older versions and copies use spaces.
    const tab = rest.indexOf('\t');
    const m = tab >= 0 ? [rest.slice(0, tab), rest.slice(tab + 1)] : (/^(.*?)\s{2,}((?:HD|PciRoot|FvVol|FvFile|VenHw|VenMedia|BBS|MemoryMapped|ACPI|Vendor)\(.*)$/.exec(rest)?.slice(1) ?? [rest, '']);
    const file = /(?:^|\/)File\(([^)]*)\)/.exec(m[1])?.[1];
    info.entries.push({
      bootnum: e[1].toUpperCase(), label: m[0].trim(), active: e[2] === '*', path: m[1].trim(),
      file: file ? file.replace(/\\/g, '/') : null,
    });
  }
  return info;
}

/** Entries whose loader is a shim (`shim*.efi`), with whether BootCurrent is one of them. */
export function shimStatus(info: EfiBootInfo): { shims: EfiBootEntry[]; currentIsShim: boolean } {
  const shims = info.entries.filter((e) => e.file !== null && /\/shim[^/]*\.efi$/i.test(e.file));
  return { shims, currentIsShim: shims.some((s) => s.bootnum === info.current) };
}

/** The default BLS entry of a host read from its files; undefined when it has no BLS directory. */
export async function readBlsDefault(transport: Transport): Promise<{ entry: BlsEntry | undefined; why: string } | undefined> {
  const entries = await readBlsEntries(transport);
  if (entries === undefined) return undefined;
  const env = await readGrubenv(transport);
  return defaultBlsEntry(entries, env?.vars?.get('saved_entry'));
}

/** The ESP as migrate2rocky finds it: findmnt's SOURCE of /boot/efi, lsblk's kname/pkname, sysfs's partition. */
export interface EspLocation {
  /** `lsblk -dno pkname` of the ESP partition: the disk; empty for md-raid and other virtual devices. */
  disk: string;
  /** `/sys/block/<disk>/<kname>/partition`. */
  partition: string;
}

export interface EfiRepair {
  /** The target's loader directory in the ESP (`/boot/efi/EFI/rocky`). */
  dir: string | undefined;
  /** grub.cfg to regenerate (`<dir>/grub.cfg`), as migrate2rocky's fix_efi does. */
  grubCfg: string | undefined;
  /** efibootmgr argv creating the target's boot entry; undefined when one exists or it cannot be made. */
  create: string[] | undefined;
  /** The entry already pointing at the target's shim, when there is one. */
  existing: string | undefined;
  skipped: string[];
}

/**
 * What a UEFI host needs after its shim package was replaced by the target's (rocky-linux/rocky-tools
 * migrate2rocky.sh fix_efi@e3525828: `grub2-mkconfig -o /boot/efi/EFI/rocky/grub.cfg`, then
 * `efibootmgr -c -d /dev/<disk> -p <partition> -L "Rocky Linux" -l /EFI/rocky/shim<arch>.efi`): the old
 * vendor directory (EFI/centos) goes with the old shim package, so the old NVRAM entry points at nothing.
 * `shimFiles` is `rpm -ql` of the installed shim packages: the target's loader directory is the one holding
 * its shim (EFI/BOOT is the removable-media fallback, never the entry's). Pure: the step runs the commands.
 */
export function planEfiRepair(o: { shimFiles: string[]; efibootmgr: EfiBootInfo; esp: EspLocation | undefined; label: string }): EfiRepair {
  const skipped: string[] = [];
  const shim = o.shimFiles.map((f) => /^\/boot\/efi\/EFI\/([^/]+)\/(shim(?:x64|aa64|ia32|arm)?\.efi)$/i.exec(f))
    .find((m): m is RegExpExecArray => m !== null && m[1].toUpperCase() !== 'BOOT');
  if (!shim) {
    return { dir: undefined, grubCfg: undefined, create: undefined, existing: undefined, skipped: ['no shim package owns a /boot/efi/EFI/<vendor>/shim*.efi: no target EFI loader to point at'] };
  }
  const dir = `/boot/efi/EFI/${shim[1]}`;
  const loader = `/EFI/${shim[1]}/${shim[2]}`;
  const existing = o.efibootmgr.entries.find((e) => e.file !== null && e.file.toLowerCase() === loader.toLowerCase());
  let create: string[] | undefined;
  if (existing) {
    skipped.push(`Boot${existing.bootnum} (${existing.label}) already loads ${loader}`);
  } else if (!o.esp || !o.esp.disk || !/^\d+$/.test(o.esp.partition)) {
    skipped.push(`the ESP's disk and partition were not found (md-raid or another virtual device?): create the entry by hand: efibootmgr -c -d /dev/<disk> -p <partition> -L "${o.label}" -l '${loader.replace(/\//g, '\\')}'`);
  } else {
    create = ['efibootmgr', '-c', '-d', `/dev/${o.esp.disk}`, '-p', o.esp.partition, '-L', o.label, '-l', loader.replace(/\//g, '\\')];
  }
  return { dir, grubCfg: `${dir}/grub.cfg`, create, existing: existing ? existing.bootnum : undefined, skipped };
}

export interface InstalledKernel { name: string; vendor: string; release: string; installTime: number }

/** Kernel packages that ship the image (kernel-core on EL8+, kernel on EL7), as `uname -r` releases. */
export async function installedKernels(t: Transport): Promise<InstalledKernel[]> {
  const res = await t.run(rpmArgv(t, '-q', '--qf', '%{NAME}|%{VENDOR}|%{VERSION}-%{RELEASE}.%{ARCH}|%{INSTALLTIME}\\n', 'kernel-core', 'kernel'));
  const all = res.stdout.split('\n').filter((l) => l.split('|').length === 4).map((l) => {
    const [name, vendor, release, time] = l.split('|');
    return { name, vendor: vendor === '(none)' ? '' : vendor, release, installTime: Number(time) };
  });
  const core = all.filter((k) => k.name === 'kernel-core');
  return core.length ? core : all.filter((k) => k.name === 'kernel');
}
