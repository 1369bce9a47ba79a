/**
 * Queries of the rpm database every package-manager adapter shares (yum and dnf both sit on rpm): the argv
 * for rpm against the transport (with a root prefix, `--root`), the installed packages, the install-only
 * ones, and the duplicate rule an interrupted transaction is recognised by.
 */
import { FerryError, sha256Hex } from '../../core/index.js';
import { runChecked } from '../journal.js';
import type { Transport } from '../../transport/types.js';
import { INSTALLONLY_PROVIDES } from '../../rpm/installonly.js';

export function rpmArgv(transport: Transport, ...args: string[]): string[] {
  return ['rpm', ...(transport.root ? ['--root', transport.root] : []), ...args];
}

/**
 * Names of the installed packages dnf treats as install-only (installonly.ts): rpm's own answer to
 * `--whatprovides` for dnf's installonlypkgs, so the host's packages decide, not a name pattern.
 */
export async function installOnlyNames(transport: Transport): Promise<Set<string>> {
  const res = await transport.run(rpmArgv(transport, '-q', '--qf', '%{NAME}\\n', '--whatprovides', ...INSTALLONLY_PROVIDES));
  // rpm -q exits with the number of capabilities nothing provides, and says so on stdout; an error on
  // stderr (an unreadable rpmdb) is a real failure.
  if (/^error:/m.test(res.stderr) || res.code === null || res.code > INSTALLONLY_PROVIDES.length) {
    throw new FerryError('STEP_FAILED', `rpm -q --whatprovides (install-only packages) on ${transport.hostName} exited ${res.code}: ${(res.stderr || res.stdout).trim().slice(0, 500)}`);
  }
  return new Set(res.stdout.split('\n').filter((l) => l && !l.startsWith('no package provides ')));
}

/**
 * `name.arch` lines → the ones that occur more than once, except install-only packages (installed side by
 * side by design) and rpm's gpg-pubkey entries (one per imported key, all named gpg-pubkey).
 */
export function duplicatePackages(lines: string[], installOnly: ReadonlySet<string>): string[] {
  const seen = new Map<string, number>();
  for (const l of lines) if (l) seen.set(l, (seen.get(l) ?? 0) + 1);
  return [...seen].filter(([na, n]) => {
    const name = na.replace(/\.[^.]+$/, '');
    return n > 1 && name !== 'gpg-pubkey' && !installOnly.has(name);
  }).map(([na]) => na).sort();
}

/** Installed package names (gpg-pubkey excluded) → `name-epoch:version-release.arch` list. */
export async function installedPackages(transport: Transport): Promise<{ name: string; nevra: string; vendor: string }[]> {
  const out = await runChecked(transport, rpmArgv(transport, '-qa', '--qf', '%{NAME}|%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}|%{VENDOR}\\n'), 'rpm -qa');
  return out.split('\n').filter((l) => l && !l.startsWith('gpg-pubkey|')).map((l) => {
    const [name, nevra, vendor] = l.split('|');
    return { name, nevra, vendor: vendor === '(none)' ? '' : vendor };
  }).sort((a, b) => a.nevra.localeCompare(b.nevra));
}

/** The installed NEVRAs (`name-epoch:version-release.arch`, gpg-pubkey entries excluded), in code-unit order. */
export async function installedNevras(transport: Transport): Promise<string[]> {
  return (await installedPackages(transport)).map((p) => p.nevra).sort();
}

/**
 * The installed package set as the one text every record of it uses (the execution fingerprints, the
 * packageSet restorable, a snapshot's state digest): the NEVRAs one a line, and its sha256.
 */
export async function installedPackageList(transport: Transport): Promise<{ nevras: string[]; text: string; sha256: string }> {
  const nevras = await installedNevras(transport);
  const text = nevras.join('\n') + '\n';
  return { nevras, text, sha256: sha256Hex(text) };
}

/** A recorded package list (installedPackageList's text) against the NEVRAs installed now: what is new, what is gone. */
export function packageListDifferences(recorded: string, now: readonly string[]): { added: string[]; removed: string[] } {
  const was = new Set(recorded.split('\n').filter(Boolean));
  const is = new Set(now);
  return { added: now.filter((n) => !was.has(n)), removed: [...was].filter((n) => !is.has(n)) };
}
