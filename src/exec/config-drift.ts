/**
 * Configuration drift left by a migration: every `.rpmnew` and `.rpmsave` below /etc that was not there
 * before the run (the backup step's evidence, before.json), each with a unified diff between the local file
 * and the new package's, and — when the old package's original is known — a three-way merge of the three.
 * rpm writes `X.rpmnew` for a `%config(noreplace)` file the admin edited and the new package changed (the
 * local X is kept), and `X.rpmsave` for an edited plain `%config` file it replaced (X is the package's) or
 * one whose package was erased. The original is read from the old package's rpm when the host still has it
 * (dnf's or yum's package cache: `keepcache=1`), with rpm2cpio and cpio on the host. Host text is passed
 * through `redact` (a `password = …` line of a config file never reaches the report or the store).
 */
import { posix } from 'node:path';
import { redact } from '../core/index.js';
import type { Transport } from '../transport/types.js';
import { hostPath } from './journal.js';
import { rpmArgv } from './package-manager/index.js';
import { diffable, mergeThreeWay, unifiedDiff } from './text-diff.js';
import type { Evidence } from './verify.js';

export interface DriftItem {
  /** The .rpmnew or .rpmsave path on the host. */
  path: string;
  kind: 'rpmnew' | 'rpmsave';
  /** The configuration file it belongs to (the path without the suffix). */
  file: string;
  /** The package owning `file` now, and its NEVRA before the run when it was installed then. */
  package?: string;
  oldNevra?: string;
  /** local → packaged: what taking the package's version would change ('' when equal; absent when a side is missing or too large). */
  diff?: string;
  /** Where the packaged original came from (the old package's rpm in the cache), when it was found. */
  originalFrom?: string;
  /** The three-way merge (local and new package's changes from the original), when the original is known. */
  merge?: { clean: boolean; conflicts: number; text: string; localChanges: string; packageChanges: string };
  guidance: string;
}

export interface DriftReport {
  items: DriftItem[];
}

/** Cache directories dnf and yum keep downloaded packages in (with keepcache=1). */
const PACKAGE_CACHES = ['/var/cache/dnf', '/var/cache/yum'];

async function readText(transport: Transport, path: string): Promise<string | undefined> {
  if (!await transport.exists(path)) return undefined;
  return (await transport.readFile(path)).toString('utf8');
}

/** The old package's rpm in the host's package cache, by file name (`NAME-VERSION-RELEASE.ARCH.rpm`). */
async function cachedRpm(transport: Transport, nevra: string): Promise<string | undefined> {
  const m = /^(.+)-(?:\d+:)?([^-]+)-([^-]+)\.([^.]+)$/.exec(nevra);
  if (!m) return undefined;
  const name = `${m[1]}-${m[2]}-${m[3]}.${m[4]}.rpm`;
  const res = await transport.run(['find', ...PACKAGE_CACHES.map((d) => hostPath(transport, d)), '-name', name, '-type', 'f'], { timeoutMs: 60_000 });
  const found = res.stdout.split('\n').find(Boolean);
  return found;
}

/** `file`'s content in the package rpm at `rpmPath` (a path as the host sees it), via rpm2cpio | cpio. */
async function originalFromRpm(transport: Transport, rpmPath: string, file: string): Promise<string | undefined> {
  const res = await transport.run(['sh', '-c', 'rpm2cpio "$1" | cpio --quiet -i --to-stdout "$2"', 'sh', rpmPath, `.${file}`], { timeoutMs: 60_000 });
  return res.code === 0 ? res.stdout : undefined;
}

function guidanceFor(item: Omit<DriftItem, 'guidance'>): string {
  const { kind, file, path } = item;
  if (kind === 'rpmsave' && item.diff === undefined) {
    return `${file} is no longer installed by any package; your version was saved as ${path}. Move it back if the workload still reads it, else remove ${path}.`;
  }
  const take = item.merge?.clean
    ? ` The three-way merge applies both your changes and the package's without conflict: review it, write it to ${file}, then remove ${path}.`
    : item.merge
      ? ` The three-way merge has ${item.merge.conflicts} conflict(s) (marked <<<<<<< / >>>>>>>): resolve them, write the result to ${file}, then remove ${path}.`
      : ' The old package\'s original is not on the host (no cached rpm), so only the two-way diff is shown: carry each change you want into the file, then remove the other.';
  return kind === 'rpmnew'
    ? `Your edited ${file} was kept; the new package's version is ${path}.${take}`
    : `${file} was replaced by the new package's version; your edited copy is ${path}: re-apply your changes to ${file}.${take}`;
}

/** The `.rpmnew`/`.rpmsave` files below /etc now that were not there before (`before`), each with its diff. */
export async function configDrift(transport: Transport, o: { before: Evidence; after: readonly string[] }): Promise<DriftReport> {
  const items: DriftItem[] = [];
  const prior = new Set(o.before.configLeftovers);
  for (const path of o.after.filter((p) => !prior.has(p)).sort()) {
    const kind = path.endsWith('.rpmnew') ? 'rpmnew' : 'rpmsave';
    const file = path.slice(0, -`.${kind}`.length);
    const [leftover, current] = await Promise.all([readText(transport, path), readText(transport, file)]);
    const local = kind === 'rpmnew' ? current : leftover;
    const packaged = kind === 'rpmnew' ? leftover : current;
    const owner = await transport.run(rpmArgv(transport, '-qf', '--qf', '%{NAME}\\n', file));
    const pkg = owner.code === 0 ? owner.stdout.split('\n')[0] : undefined;
    const oldNevra = pkg ? o.before.packages.find((p) => p.name === pkg)?.nevra : undefined;
    const item: Omit<DriftItem, 'guidance'> = { path, kind, file, ...(pkg ? { package: pkg } : {}), ...(oldNevra ? { oldNevra } : {}) };
    if (local !== undefined && packaged !== undefined && diffable(local, packaged)) {
      item.diff = redact(unifiedDiff(local, packaged, { from: `${kind === 'rpmnew' ? file : path} (local)`, to: `${kind === 'rpmnew' ? path : file} (new package)` }));
      const rpm = oldNevra ? await cachedRpm(transport, oldNevra) : undefined;
      const original = rpm ? await originalFromRpm(transport, rpm, file) : undefined;
      if (rpm && original !== undefined && diffable(original)) {
        const m = mergeThreeWay(original, local, packaged, { ours: `${file} (local)`, base: `${oldNevra} (original)`, theirs: `${pkg} (new package)` });
        item.originalFrom = transport.root ? posix.join('/', posix.relative(transport.root, rpm)) : rpm;
        item.merge = {
          clean: m.clean, conflicts: m.conflicts, text: redact(m.text),
          localChanges: redact(unifiedDiff(original, local, { from: `${file} (original)`, to: `${file} (local)` })),
          packageChanges: redact(unifiedDiff(original, packaged, { from: `${file} (original)`, to: `${file} (new package)` })),
        };
      }
    }
    items.push({ ...item, guidance: guidanceFor(item) });
  }
  return { items };
}
