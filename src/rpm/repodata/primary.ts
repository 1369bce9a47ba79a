/**
 * primary.xml reader: a stream of decompressed bytes in, Packages out, one input chunk at a time.
 * Memory is bounded by the packages the caller keeps; strings that repeat across packages (dependency
 * names, versions, arches, licenses) are interned so a loaded repository shares them.
 */
import { FerryError } from '../../core/errors.js';
import type { Dep, DepFlag, Evr, Package } from '../types.js';
import { createXmlTokenizer, streamItems, VALUE_KEYS, type ByteSource, type XmlAttributes, type XmlHandler } from './xml.js';

/** A string interner; bounded so a hostile file cannot grow it without limit. */
export function createInterner(maxEntries = 1 << 20): (s: string) => string {
  const table = new Map<string, string>();
  return (s) => {
    const hit = table.get(s);
    if (hit !== undefined) return hit;
    if (table.size < maxEntries) table.set(s, s);
    return s;
  };
}

export function parseFlag(value: string | undefined, where: () => string): DepFlag | undefined {
  switch (value) {
    case undefined: return undefined;
    case 'EQ': return 'EQ';
    case 'LT': return 'LT';
    case 'LE': return 'LE';
    case 'GT': return 'GT';
    case 'GE': return 'GE';
    default: throw new FerryError('REPO_METADATA', `${where()}: unknown dependency flags="${value}"`);
  }
}

export function parseEpoch(value: string | undefined, where: () => string): number {
  if (value === undefined || value === '') return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new FerryError('REPO_METADATA', `${where()}: epoch "${value}" is not a non-negative integer`);
  }
  return n;
}

function parseCount(value: string | undefined): number {
  const n = value === undefined ? 0 : Number(value);
  return Number.isFinite(n) ? n : 0;
}

const DEP_LISTS = {
  'rpm:provides': 'provides',
  'rpm:requires': 'requires',
  'rpm:conflicts': 'conflicts',
  'rpm:obsoletes': 'obsoletes',
  'rpm:recommends': 'recommends',
  'rpm:suggests': 'suggests',
  'rpm:supplements': 'supplements',
  'rpm:enhances': 'enhances',
} as const;

const NAMES = ['package', 'name', 'arch', 'version', 'checksum', 'summary', 'description', 'packager',
  'url', 'time', 'size', 'location', 'format', 'rpm:license', 'rpm:vendor', 'rpm:group', 'rpm:buildhost',
  'rpm:sourcerpm', 'rpm:header-range', 'rpm:entry', 'file', 'metadata', ...Object.keys(DEP_LISTS)];

function newPackage(): Package {
  return {
    name: '', arch: '', epoch: 0, version: '', release: '', location: '',
    provides: [], requires: [], conflicts: [], obsoletes: [], recommends: [], suggests: [],
    supplements: [], enhances: [], files: [],
  };
}

/** Shared by primary, filelists and other: how a reader knows which file and package is at fault. */
export interface ReaderOptions {
  /** The file's name for error messages (default 'primary.xml'). */
  name?: string;
  /** Share one interner across several reads (e.g. two repositories loaded together). */
  intern?: (s: string) => string;
}

/**
 * Parses primary.xml, yielding each package as soon as its </package> is read.
 * A Package's `files` holds the primary subset; loadPackages merges filelists.
 * Dep and Evr objects inside packages are shared between packages: treat them as read-only.
 */
export async function* readPrimary(source: ByteSource, options: ReaderOptions = {}):
AsyncGenerator<Package> {
  const file = options.name ?? 'primary.xml';
  const intern = options.intern ?? createInterner();
  const done: Package[] = [];
  let pkg: Package | undefined;
  let deps: Dep[] | undefined;
  let inFormat = false;
  const where = (): string => `${file}: package ${pkg?.name || '?'}`;

  // Equal EVRs and equal unversioned deps share one object (most requires repeat across packages):
  // memory for a loaded repository drops by a third. Keyed by interned strings, so lookups are cheap.
  const evrs = new Map<number, Map<string, Map<string | undefined, Evr>>>();
  const plainDeps: (Dep | undefined)[] = new Array(VALUE_KEYS);
  const prePlainDeps: (Dep | undefined)[] = new Array(VALUE_KEYS);
  const readEvr = (a: XmlAttributes): Evr => {
    const rel = a.intern('rel');
    const e = a.intern('epoch');
    const epoch = e === '0' ? 0 : parseEpoch(e, where);
    const version = a.intern('ver') ?? '';
    let byVersion = evrs.get(epoch);
    if (byVersion === undefined) evrs.set(epoch, byVersion = new Map());
    let byRelease = byVersion.get(version);
    if (byRelease === undefined) byVersion.set(version, byRelease = new Map());
    let evr = byRelease.get(rel);
    if (evr === undefined) {
      evr = { epoch, version };
      if (rel !== undefined) evr.release = rel;
      byRelease.set(rel, evr);
    }
    return evr;
  };

  const handler: XmlHandler = {
    open(name, a) {
      if (pkg === undefined) {
        if (name === 'package') pkg = newPackage();
        return false;
      }
      switch (name) {
        case 'rpm:entry': {
          if (deps === undefined) return false;
          if (a.count === 1 || (a.count === 2 && a.intern('pre') === '1')) {
            const pre = a.count === 2;
            const key = a.key('name');
            const cache = pre ? prePlainDeps : plainDeps;
            let shared = key === -1 ? undefined : cache[key];
            if (shared === undefined) {
              const depName = a.intern('name') ?? '';
              shared = pre ? { name: depName, pre: true } : { name: depName };
              if (key !== -1) cache[key] = shared;
            }
            deps.push(shared);
            return false;
          }
          const dep: Dep = { name: a.intern('name') ?? '' };
          if (a.count > 1) {
            const flags = parseFlag(a.intern('flags'), where);
            if (flags !== undefined) dep.flags = flags;
            if (flags !== undefined || a.count > 2) dep.evr = readEvr(a);
            if (a.intern('pre') === '1') dep.pre = true;
          }
          deps.push(dep);
          return false;
        }
        case 'file': return true;
        case 'name': case 'arch': case 'summary': case 'description': case 'packager': case 'url':
        case 'checksum': case 'rpm:license': case 'rpm:vendor': case 'rpm:group': case 'rpm:buildhost':
        case 'rpm:sourcerpm':
          if (name === 'checksum') pkg.checksum = { type: a.get('type') ?? '', value: '' };
          return true;
        case 'version': {
          const evr = readEvr(a);
          pkg.epoch = evr.epoch;
          pkg.version = evr.version;
          pkg.release = evr.release ?? '';
          return false;
        }
        case 'time':
          pkg.time = { file: parseCount(a.get('file')), build: parseCount(a.get('build')) };
          return false;
        case 'size':
          pkg.size = {
            package: parseCount(a.get('package')), installed: parseCount(a.get('installed')),
            archive: parseCount(a.get('archive')),
          };
          return false;
        case 'location': {
          pkg.location = a.get('href') ?? '';
          const b = a.get('xml:base');
          if (b !== undefined) pkg.locationBase = b;
          return false;
        }
        case 'format': inFormat = true; return false;
        default: {
          const list = inFormat ? DEP_LISTS[name as keyof typeof DEP_LISTS] : undefined;
          if (list !== undefined) deps = pkg[list];
          return false;
        }
      }
    },
    close(name, text) {
      if (pkg === undefined) return;
      switch (name) {
        case 'package':
          if (pkg.name === '') throw new FerryError('REPO_METADATA', `${file}: a package without a <name>`);
          done.push(pkg);
          pkg = undefined;
          inFormat = false;
          return;
        case 'file': pkg.files.push(text ?? ''); return;
        case 'name': pkg.name = intern(text ?? ''); return;
        case 'arch': pkg.arch = intern(text ?? ''); return;
        case 'summary': pkg.summary = text; return;
        case 'description': pkg.description = text; return;
        case 'packager': pkg.packager = intern(text ?? ''); return;
        case 'url': pkg.url = text; return;
        case 'checksum':
          pkg.checksum!.value = text ?? '';
          pkg.pkgid = text ?? '';
          return;
        case 'rpm:license': pkg.license = intern(text ?? ''); return;
        case 'rpm:vendor': pkg.vendor = intern(text ?? ''); return;
        case 'rpm:group': pkg.group = intern(text ?? ''); return;
        case 'rpm:buildhost': pkg.buildhost = intern(text ?? ''); return;
        case 'rpm:sourcerpm': pkg.sourcerpm = intern(text ?? ''); return;
        case 'format': inFormat = false; return;
        default:
          if (deps !== undefined && name in DEP_LISTS) deps = undefined;
      }
    },
  };

  yield* streamItems(createXmlTokenizer(handler, { name: file, names: NAMES }), source, done);
}
