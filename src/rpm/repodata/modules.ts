import type * as Yaml from 'yaml';
import { FerryError, onFirstUse } from '../../core/index.js';

const yaml = onFirstUse<typeof Yaml>('yaml');

/**
 * modules.yaml reader: the multi-document YAML that modular repositories carry (modulemd v2 streams,
 * modulemd-defaults v1, modulemd-obsoletes v1). Format: https://github.com/fedora-modularity/libmodulemd
 * (yaml_specs/modulemd_stream_v2.yaml, modulemd_defaults_v1.yaml, modulemd_obsoletes_v1.yaml).
 *
 * Every scalar is read as a string (YAML "failsafe" schema): a stream written `2.10` stays "2.10" (a
 * float would make it 2.1), and a module version such as 8060020220628150300 keeps every digit (it is
 * above 2^53). Compare versions with compareModuleVersions (bigint).
 */

export interface ModuleProfile {
  description?: string;
  rpms: string[];
}

/** One entry of `dependencies`: module name → streams (a leading `-` excludes a stream). */
export interface ModuleDependency {
  buildrequires: Record<string, string[]>;
  requires: Record<string, string[]>;
}

export interface ModuleStream {
  name: string;
  stream: string;
  /** Decimal digits, 64-bit: keep as a string; compare with compareModuleVersions. */
  version: string;
  context: string;
  arch: string;
  summary?: string;
  description?: string;
  staticContext: boolean;
  license: { module: string[]; content: string[] };
  dependencies: ModuleDependency[];
  profiles: Record<string, ModuleProfile>;
  api: string[];
  filter: string[];
  /** artifacts.rpms: NEVRA strings, `name-epoch:version-release.arch`. */
  artifacts: string[];
}

export interface ModuleDefaults {
  module: string;
  /** The default stream, when there is one. */
  stream?: string;
  /** Default profiles per stream. */
  profiles: Record<string, string[]>;
}

export interface ModuleObsoletes {
  module: string;
  stream: string;
  context?: string;
  modified: string;
  reset: boolean;
  eolDate?: string;
  message: string;
  obsoletedBy?: { module: string; stream: string };
}

export interface ModulesMetadata {
  streams: ModuleStream[];
  defaults: ModuleDefaults[];
  obsoletes: ModuleObsoletes[];
  /** Documents of other kinds (e.g. modulemd-translations), kept by kind so callers can tell. */
  otherDocuments: Record<string, number>;
}

export interface ReadModulesOptions {
  /** Names the file in error messages. */
  file: string;
  /** Cap on the uncompressed YAML size (default 256 MiB). */
  maxBytes?: number;
}

/** YAML alias expansion is bounded: a document needing more is an error, not a billion laughs. */
const MAX_ALIAS_COUNT = 100;
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

type Yaml = string | Yaml[] | { [key: string]: Yaml };
type YamlMap = { [key: string]: Yaml };

/** Reads modules.yaml from a stream of (already decompressed) chunks. */
export async function readModules(
  input: AsyncIterable<Buffer | string>,
  options: ReadModulesOptions,
): Promise<ModulesMetadata> {
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > max) throw new FerryError('REPO_TOO_LARGE', `${options.file}: modules YAML exceeds ${max} bytes`);
    chunks.push(buf);
  }
  return parseModulesYaml(Buffer.concat(chunks).toString('utf8'), options.file);
}

/** Parses the text of modules.yaml. Malformed documents throw REPO_METADATA naming the file and document. */
export function parseModulesYaml(text: string, file: string): ModulesMetadata {
  const out: ModulesMetadata = { streams: [], defaults: [], obsoletes: [], otherDocuments: {} };
  const docs = yaml().parseAllDocuments(repairClosingQuotes(text), { schema: 'failsafe', uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    const where = `${file}: YAML document #${i + 1}`;
    if (doc.errors.length > 0) {
      throw new FerryError('REPO_METADATA', `${where}: ${doc.errors[0].message.split('\n')[0]}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      throw new FerryError('REPO_METADATA', `${where}: ${(err as Error).message}`, { cause: err });
    }
    if (value === null || value === undefined || value === '') return; // an empty document (e.g. trailing `---`)
    const root = asMap(value as Yaml, where);
    const kind = str(root, 'document', where);
    const data = asMap(root.data, `${where} data`);
    const ctx = `${where} (${kind})`;
    switch (kind) {
      case 'modulemd':
        requireVersion(root, '2', ctx);
        out.streams.push(readStream(data, ctx));
        break;
      case 'modulemd-defaults':
        requireVersion(root, '1', ctx);
        out.defaults.push(readDefaults(data, ctx));
        break;
      case 'modulemd-obsoletes':
        requireVersion(root, '1', ctx);
        out.obsoletes.push(readObsoletes(data, ctx));
        break;
      default:
        out.otherDocuments[kind] = (out.otherDocuments[kind] ?? 0) + 1;
    }
  });
  return out;
}

/**
 * libyaml's emitter (hence libmodulemd and createrepo_c) writes the closing quote of a multi-line quoted
 * scalar that ends in a line break at column 0, which YAML 1.2 parsers reject as under-indented while
 * libyaml reads it. Such a line only holds the quote; indenting it past the previous line is
 * value-preserving (leading white space of a flow scalar's continuation line is folded away).
 */
function repairClosingQuotes(text: string): string {
  if (!/^['"][ \t]*$/m.test(text)) return text;
  const lines = text.split('\n');
  let prevIndent = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^['"][ \t]*$/.test(line)) lines[i] = ' '.repeat(prevIndent + 2) + line;
    else if (line.trim() !== '') prevIndent = line.length - line.trimStart().length;
  }
  return lines.join('\n');
}

/** Compares two module versions as 64-bit unsigned integers (never through a float). */
export function compareModuleVersions(a: string, b: string): -1 | 0 | 1 {
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** `name:stream:version:context:arch`, dnf's NSVCA. */
export function formatNsvca(m: Pick<ModuleStream, 'name' | 'stream' | 'version' | 'context' | 'arch'>): string {
  return `${m.name}:${m.stream}:${m.version}:${m.context}:${m.arch}`;
}

function readStream(d: YamlMap, ctx: string): ModuleStream {
  const version = str(d, 'version', ctx);
  if (!/^\d{1,20}$/.test(version) || BigInt(version) > 0xffffffffffffffffn) {
    throw new FerryError('REPO_METADATA', `${ctx}: module version "${version}" is not a 64-bit unsigned integer`);
  }
  const profiles: Record<string, ModuleProfile> = {};
  for (const [name, p] of Object.entries(optMap(d, 'profiles', ctx))) {
    const pm = asMap(p, `${ctx} profile ${name}`);
    const description = optStr(pm, 'description');
    profiles[name] = { ...(description !== undefined ? { description } : {}), rpms: strList(pm, 'rpms', ctx) };
  }
  const deps = d.dependencies === undefined ? [] : asList(d.dependencies, `${ctx} dependencies`);
  const license = optMap(d, 'license', ctx);
  const summary = optStr(d, 'summary');
  const description = optStr(d, 'description');
  return {
    name: str(d, 'name', ctx),
    stream: str(d, 'stream', ctx),
    version,
    context: optStr(d, 'context') ?? '',
    arch: optStr(d, 'arch') ?? '',
    ...(summary !== undefined ? { summary } : {}),
    ...(description !== undefined ? { description } : {}),
    staticContext: optStr(d, 'static_context') === 'true',
    license: { module: strList(license, 'module', ctx), content: strList(license, 'content', ctx) },
    dependencies: deps.map((dep, i) => {
      const dm = asMap(dep, `${ctx} dependencies[${i}]`);
      return { buildrequires: streamMap(dm, 'buildrequires', ctx), requires: streamMap(dm, 'requires', ctx) };
    }),
    profiles,
    api: strList(optMap(d, 'api', ctx), 'rpms', ctx),
    filter: strList(optMap(d, 'filter', ctx), 'rpms', ctx),
    artifacts: strList(optMap(d, 'artifacts', ctx), 'rpms', ctx),
  };
}

function readDefaults(d: YamlMap, ctx: string): ModuleDefaults {
  const profiles: Record<string, string[]> = {};
  for (const [stream, list] of Object.entries(optMap(d, 'profiles', ctx))) {
    profiles[stream] = list === '' ? [] : asList(list, `${ctx} profiles.${stream}`).map((x) => scalar(x, ctx));
  }
  const stream = optStr(d, 'stream');
  return { module: str(d, 'module', ctx), ...(stream !== undefined ? { stream } : {}), profiles };
}

function readObsoletes(d: YamlMap, ctx: string): ModuleObsoletes {
  const by = d.obsoleted_by === undefined ? undefined : asMap(d.obsoleted_by, `${ctx} obsoleted_by`);
  const context = optStr(d, 'context');
  const eolDate = optStr(d, 'eol_date');
  return {
    module: str(d, 'module', ctx),
    stream: str(d, 'stream', ctx),
    ...(context !== undefined ? { context } : {}),
    modified: str(d, 'modified', ctx),
    reset: optStr(d, 'reset') === 'true',
    ...(eolDate !== undefined ? { eolDate } : {}),
    message: optStr(d, 'message') ?? '',
    ...(by ? { obsoletedBy: { module: str(by, 'module', ctx), stream: str(by, 'stream', ctx) } } : {}),
  };
}

function requireVersion(root: YamlMap, want: string, ctx: string): void {
  const v = str(root, 'version', ctx);
  if (v !== want) throw new FerryError('REPO_METADATA', `${ctx}: unsupported document version ${v} (expected ${want})`);
}

function streamMap(m: YamlMap, key: string, ctx: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [mod, streams] of Object.entries(optMap(m, key, ctx))) {
    out[mod] = streams === '' ? [] : asList(streams, `${ctx} ${key}.${mod}`).map((s) => scalar(s, ctx));
  }
  return out;
}

const isNull = (v: Yaml | undefined): boolean => v === undefined || v === '' || v === '~' || v === 'null';

function asMap(v: Yaml | undefined, ctx: string): YamlMap {
  if (v === undefined || typeof v === 'string' || Array.isArray(v)) {
    throw new FerryError('REPO_METADATA', `${ctx}: expected a mapping`);
  }
  return v;
}
function asList(v: Yaml, ctx: string): Yaml[] {
  if (!Array.isArray(v)) throw new FerryError('REPO_METADATA', `${ctx}: expected a list`);
  return v;
}
function scalar(v: Yaml, ctx: string): string {
  if (typeof v !== 'string') throw new FerryError('REPO_METADATA', `${ctx}: expected a scalar`);
  return v;
}
function str(m: YamlMap, key: string, ctx: string): string {
  const v = m[key];
  if (isNull(v)) throw new FerryError('REPO_METADATA', `${ctx}: missing "${key}"`);
  return scalar(v, `${ctx} ${key}`);
}
function optStr(m: YamlMap, key: string): string | undefined {
  const v = m[key];
  return isNull(v) || typeof v !== 'string' ? undefined : v;
}
function optMap(m: YamlMap, key: string, ctx: string): YamlMap {
  const v = m[key];
  return isNull(v) ? {} : asMap(v, `${ctx} ${key}`);
}
function strList(m: YamlMap, key: string, ctx: string): string[] {
  const v = m[key];
  return isNull(v) ? [] : asList(v, `${ctx} ${key}`).map((x) => scalar(x, `${ctx} ${key}`));
}
