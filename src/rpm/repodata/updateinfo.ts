import { FerryError } from '../../core/index.js';
import type { Checksum, Nevra } from '../types.js';
import { createXmlTokenizer, streamItems, type XmlAttributes } from './xml.js';

/**
 * updateinfo.xml reader: one Advisory per <update>. Permissive in what it reads, as the format has
 * many producers (see rpm-software-management/rpm-metadata, updateinfo-permissive.xsd): dates stay as
 * written, a missing or "None" epoch is 0, `reboot_suggested` may be an element of the update or of a
 * package, CVE ids come from `type="cve"` references.
 */

export interface AdvisoryReference {
  href?: string;
  id?: string;
  type?: string;
  title?: string;
}

export interface AdvisoryPackage extends Nevra {
  /** The source rpm, as written (a file name or, in old feeds, a URL). */
  src?: string;
  filename?: string;
  sums: Checksum[];
  rebootSuggested: boolean;
  restartSuggested: boolean;
  reloginSuggested: boolean;
}

/** A module stream a collection belongs to. `version` is 64-bit: a string of digits. */
export interface AdvisoryModule {
  name: string;
  stream: string;
  version: string;
  context: string;
  arch: string;
}

export interface AdvisoryCollection {
  short?: string;
  name?: string;
  module?: AdvisoryModule;
  packages: AdvisoryPackage[];
}

export interface Advisory {
  id: string;
  /** security, bugfix, enhancement, newpackage, … as written. */
  type: string;
  status?: string;
  /** Critical, Important, Moderate, Low, None, … as written. */
  severity?: string;
  from?: string;
  version?: string;
  title: string;
  /** Dates as written: "2021-07-22 18:25:24", "2007-03-16 07:08:01.83" or seconds since the epoch. */
  issued?: string;
  updated?: string;
  release?: string;
  pushcount?: string;
  summary?: string;
  description?: string;
  solution?: string;
  rights?: string;
  /** The update-level `<reboot_suggested>`, or any package's. */
  rebootSuggested: boolean;
  references: AdvisoryReference[];
  /** CVE ids of the `type="cve"` references, deduplicated, in document order. */
  cves: string[];
  /** Bug ids of the `type="bugzilla"` references. */
  bugzillas: string[];
  collections: AdvisoryCollection[];
}

export interface ReadUpdateinfoOptions {
  /** Names the file in error messages. */
  file: string;
}

const TEXT_ELEMENTS = new Set([
  'id', 'title', 'release', 'pushcount', 'severity', 'summary', 'description', 'solution', 'rights',
  'message', 'name', 'filename', 'sum', 'reboot_suggested', 'restart_suggested', 'relogin_suggested', 'reference',
]);
const CVE = /CVE-\d{4}-\d{4,}/;

/** Streams advisories from (decompressed) updateinfo.xml bytes, one per <update>, as each one ends. */
export async function* readUpdateinfo(
  source: AsyncIterable<Uint8Array>, options: ReadUpdateinfoOptions,
): AsyncGenerator<Advisory> {
  const file = options.file;
  const ready: Advisory[] = [];
  let count = 0;
  let update: Advisory | undefined;
  let collection: AdvisoryCollection | undefined;
  let pkg: AdvisoryPackage | undefined;
  let sumType: string | undefined;
  let reference: AdvisoryReference | undefined;
  const fail = (msg: string): never => {
    throw new FerryError('REPO_METADATA', `${file}: update #${count}${update?.id ? ` (${update.id})` : ''}: ${msg}`);
  };

  const tokenizer = createXmlTokenizer({
    open(name, attrs, selfClosing) {
      if (name === 'update') {
        count++;
        update = newAdvisory(attrs);
        return false;
      }
      if (!update) return false;
      switch (name) {
        case 'issued':
        case 'updated': {
          const date = attrs.get('date');
          if (date !== undefined && date !== '') update[name] = date;
          return false;
        }
        case 'reference': {
          reference = pick(attrs, ['href', 'id', 'type', 'title']);
          if (selfClosing) endReference(update, reference);
          return !selfClosing;
        }
        case 'collection':
          collection = { ...pick(attrs, ['short']), packages: [] };
          update.collections.push(collection);
          return false;
        case 'module':
          if (collection) collection.module = readModule(attrs, fail);
          return false;
        case 'package':
          if (!collection) return false;
          pkg = readPackage(attrs, fail);
          collection.packages.push(pkg);
          if (selfClosing) pkg = undefined;
          return false;
        case 'sum':
          sumType = attrs.get('type');
          return true;
      }
      return TEXT_ELEMENTS.has(name);
    },
    close(name, text) {
      if (name === 'update') {
        if (!update) return;
        if (!update.id) fail('no <id>');
        if (pkgsSuggestReboot(update)) update.rebootSuggested = true;
        ready.push(update);
        update = undefined;
        return;
      }
      if (!update) return;
      const value = text?.trim() ?? '';
      if (pkg) {
        switch (name) {
          case 'filename': pkg.filename = value; return;
          case 'sum': if (sumType) pkg.sums.push({ type: sumType, value }); return;
          case 'reboot_suggested': pkg.rebootSuggested = isTrue(value); return;
          case 'restart_suggested': pkg.restartSuggested = isTrue(value); return;
          case 'relogin_suggested': pkg.reloginSuggested = isTrue(value); return;
          case 'package': pkg = undefined; return;
        }
        return;
      }
      switch (name) {
        case 'collection': collection = undefined; return;
        case 'name': if (collection) collection.name = value; return;
        case 'reference':
          if (reference) {
            if (reference.title === undefined && value !== '') reference.title = value;
            endReference(update, reference);
            reference = undefined;
          }
          return;
        case 'reboot_suggested': update.rebootSuggested = isTrue(value); return;
        case 'id':
          if (update.id) fail(`a second <id> "${value}"`);
          update.id = value;
          return;
        case 'title': case 'release': case 'pushcount': case 'severity': case 'summary':
        case 'solution': case 'rights':
          if (value !== '') update[name] = value;
          return;
        case 'description':
          // the permissive schema allows two; keep the first non-empty one
          if (value !== '' && update.description === undefined) update.description = value;
          return;
      }
    },
  }, { name: file });

  yield* streamItems(tokenizer, source, ready);
}

/** Reads every advisory of an updateinfo.xml stream into an array. */
export async function readAdvisories(
  source: AsyncIterable<Uint8Array>, options: ReadUpdateinfoOptions,
): Promise<Advisory[]> {
  const out: Advisory[] = [];
  for await (const a of readUpdateinfo(source, options)) out.push(a);
  return out;
}

/**
 * An advisory date as ISO 8601 UTC, or undefined when it is not a date. updateinfo dates carry no zone;
 * they are read as UTC. Accepts "YYYY-MM-DD[ HH:MM[:SS[.frac]]]" and integer seconds since the epoch.
 */
export function parseAdvisoryDate(text: string): string | undefined {
  const s = text.trim();
  if (/^\d{9,11}$/.test(s)) return new Date(Number(s) * 1000).toISOString();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?Z?$/.exec(s);
  if (!m) return undefined;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms));
  return Number.isNaN(d.getTime()) || d.getUTCDate() !== +m[3] ? undefined : d.toISOString();
}

function newAdvisory(attrs: XmlAttributes): Advisory {
  return {
    id: '',
    type: attrs.get('type') ?? '',
    ...pick(attrs, ['status', 'from', 'version']),
    title: '',
    rebootSuggested: false,
    references: [],
    cves: [],
    bugzillas: [],
    collections: [],
  };
}

function endReference(update: Advisory, ref: AdvisoryReference): void {
  update.references.push(ref);
  const type = ref.type?.toLowerCase();
  if (type === 'cve') {
    const cve = CVE.exec(ref.id ?? '')?.[0] ?? CVE.exec(ref.href ?? '')?.[0] ?? CVE.exec(ref.title ?? '')?.[0];
    if (cve && !update.cves.includes(cve)) update.cves.push(cve);
  } else if (type === 'bugzilla' && ref.id && !update.bugzillas.includes(ref.id)) {
    update.bugzillas.push(ref.id);
  }
}

function readModule(attrs: XmlAttributes, fail: (msg: string) => never): AdvisoryModule {
  const m = {
    name: attrs.get('name') ?? '',
    stream: attrs.get('stream') ?? '',
    version: attrs.get('version') ?? '',
    context: attrs.get('context') ?? '',
    arch: attrs.get('arch') ?? '',
  };
  if (!m.name || !m.stream) fail('<module> without name or stream');
  if (m.version !== '' && !/^\d{1,20}$/.test(m.version)) fail(`module ${m.name}:${m.stream} version "${m.version}" is not an integer`);
  return m;
}

function readPackage(attrs: XmlAttributes, fail: (msg: string) => never): AdvisoryPackage {
  const name = attrs.get('name');
  const version = attrs.get('version');
  if (!name || !version) fail('<package> without name or version');
  const e = attrs.get('epoch');
  const epoch = e === undefined || e === '' || e === 'None' ? 0 : Number(e);
  if (!Number.isSafeInteger(epoch) || epoch < 0) fail(`package ${name}: epoch "${e}" is not a number`);
  const src = attrs.get('src');
  return {
    name: name as string,
    epoch,
    version: version as string,
    release: attrs.get('release') ?? '',
    arch: attrs.get('arch') ?? '',
    ...(src ? { src } : {}),
    sums: [],
    rebootSuggested: false,
    restartSuggested: false,
    reloginSuggested: false,
  };
}

function pkgsSuggestReboot(a: Advisory): boolean {
  return a.collections.some((c) => c.packages.some((p) => p.rebootSuggested));
}

function isTrue(v: string): boolean {
  return /^(true|1|yes)$/i.test(v);
}

function pick<K extends string>(attrs: XmlAttributes, keys: K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = attrs.get(k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
