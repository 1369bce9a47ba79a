/**
 * Offline inventory: an rpm database (BDB `Packages`, `rpmdb.sqlite`, ndb `Packages.db`) read with the real
 * rpm from a private copy, or a package list (./package-list.ts). Both yield the same HostFacts package
 * model as a live scan.
 */
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { FerryError } from '../core/index.js';
import { createLocalTransport } from '../transport/index.js';
import { DEFAULT_SECTIONS } from './script.js';
import { KERNEL_PACKAGES } from './sections/kernel.js';
import { dominantArch, sortPackages } from './sections/packages.js';
import { parsePackageList, readPackageListText } from './package-list.js';
import { BDB_INDEXES, parseRpmQuery, rpmWarnings, type RpmQueryParse } from './parse-rpm.js';
import { RPM_QUERYFORMAT } from './rpm-queryformat.js';
import { HOST_FACTS_FORMAT_VERSION, type HostFacts, type InstalledPackage, type PackageListFacts, type RpmdbFacts } from './types.js';

const DB_FILES: { file: string; backend: RpmdbFacts['backend']; macro: string; extra: readonly string[] }[] = [
  { file: 'rpmdb.sqlite', backend: 'sqlite', macro: 'sqlite', extra: ['rpmdb.sqlite-wal', 'rpmdb.sqlite-shm'] },
  { file: 'Packages', backend: 'bdb', macro: 'bdb_ro', extra: BDB_INDEXES },
  { file: 'Packages.db', backend: 'ndb', macro: 'ndb', extra: [] },
];

interface Inventory {
  packages: InstalledPackage[];
  /** An rpm database read (its facts, and the keys and problems of its query), or a package list. */
  from: { rpmdb: Partial<RpmdbFacts> & Pick<RpmQueryParse, 'importedKeys' | 'problems'> } | { packageList: PackageListFacts };
}

function factsFrom({ packages, from }: Inventory, source: HostFacts['source'], origin: string, now: Date): HostFacts {
  sortPackages(packages);
  const arch = dominantArch(packages);
  const only = `only ${source === 'rpmdb' ? 'an rpm database' : 'a package list'} was read`;
  // Every other section of the registry: a new section is not applicable to a database or a list unless read here.
  const read = new Set<string>(['system', 'packages', 'kernel', 'rpmdb']);
  const notRead = DEFAULT_SECTIONS.map((x) => x.name).filter((n) => !read.has(n));
  return {
    formatVersion: HOST_FACTS_FORMAT_VERSION,
    collectedAt: now.toISOString(),
    source,
    origin,
    ...(arch ? { system: { arch } } : {}),
    packages,
    kernel: {
      installed: packages.filter((p) => KERNEL_PACKAGES.has(p.name)).reverse().map(({ name, epoch, version, release, arch: a }) => ({ name, epoch, version, release, arch: a })),
      loadedModules: [],
    },
    // A package list says nothing about the database it was printed from: the rpmdb check is not assessed.
    ...('rpmdb' in from ? {
      rpmdb: { healthy: from.rpmdb.problems.length === 0 && packages.length > 0, packageCount: packages.length, ...from.rpmdb },
    } : { packageList: from.packageList }),
    sections: {
      packages: { status: 'ok' },
      kernel: { status: 'ok' },
      rpmdb: 'rpmdb' in from ? { status: 'ok' } : { status: 'not-applicable', reason: only },
      ...Object.fromEntries(notRead.map((s) => [s, { status: 'not-applicable', reason: only }])),
    },
  };
}

/** Reads an rpm database directory (or its Packages/rpmdb.sqlite file) without modifying it. */
export async function readRpmdbInventory(path: string, options: { now?: () => Date } = {}): Promise<HostFacts> {
  let dir = path;
  try {
    if (!(await stat(path)).isDirectory()) dir = join(path, '..');
  } catch (err) {
    throw new FerryError('NOT_FOUND', `rpm database ${path} does not exist`, { cause: err });
  }
  const wanted = (await stat(path)).isDirectory() ? undefined : basename(path);
  const db = DB_FILES.find((d) => (wanted ? d.file === wanted : existsSync(join(dir, d.file))));
  if (!db) {
    throw new FerryError('RPMDB_UNREADABLE', `${path} holds no rpm database (Packages, rpmdb.sqlite or Packages.db)`);
  }
  const tmp = await mkdtemp(join(tmpdir(), 'ferry-rpmdb-'));
  try {
    for (const f of [db.file, ...db.extra]) if (existsSync(join(dir, f))) await copyFile(join(dir, f), join(tmp, f));
    const local = createLocalTransport();
    const res = await local.run(['rpm', '--dbpath', tmp, '--define', `_db_backend ${db.macro}`, '-qa', '--qf', RPM_QUERYFORMAT],
      { timeoutMs: 300_000, env: { LC_ALL: 'C', TZ: 'UTC' } });
    const parsed = parseRpmQuery(res.stdout, join(dir, db.file));
    if (res.code !== 0 || parsed.packages.length === 0) {
      throw new FerryError('RPMDB_UNREADABLE', `rpm could not read ${join(dir, db.file)} (exit ${res.code}): ${res.stderr.trim().slice(0, 400)}`, {
        hint: db.backend === 'bdb' ? 'Old Berkeley DB databases need an rpm built with bdb_ro support (rpm ≥ 4.16).' : undefined,
      });
    }
    const warnings = rpmWarnings(res.stderr, { copied: db.backend === 'bdb' });
    if (warnings.length) parsed.problems.push(`rpm warned: ${warnings.join('\n').slice(0, 400)}`);
    const rpmdb = { backend: db.backend, ...(res.code !== null ? { queryExitCode: res.code } : {}), importedKeys: parsed.importedKeys, problems: parsed.problems };
    return factsFrom({ packages: parsed.packages, from: { rpmdb } }, 'rpmdb', join(dir, db.file), options.now?.() ?? new Date());
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Reads a package list in any of PACKAGE_LIST_FORMATS (a file, or a sosreport directory). */
export async function readPackageListFile(path: string, options: { now?: () => Date } = {}): Promise<HostFacts> {
  const { file, text } = await readPackageListText(path);
  const { packages, list } = parsePackageList(text, file);
  return factsFrom({ packages, from: { packageList: list } }, 'manifest', file, options.now?.() ?? new Date());
}
