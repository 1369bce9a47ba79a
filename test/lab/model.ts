// The lab's package model and its rendering to an rpm spec file. One SourceDef is one spec (one
// source rpm); each BinaryDef becomes one binary rpm. No scriptlets: lab roots have no real shell.
import { createHash } from 'node:crypto';

export type LabArch = 'x86_64' | 'i686' | 'noarch';

export interface BinaryDef {
  name: string;
  /** noarch subpackages of an arch source get `BuildArch: noarch`. Default: the source's arch. */
  noarch?: boolean;
  summary?: string;
  requires?: string[];
  provides?: string[];
  obsoletes?: string[];
  conflicts?: string[];
  /** Regular files: path → content. Files under /etc are `%config(noreplace)`. */
  files?: Record<string, string>;
  /** Symlinks: path → target. */
  symlinks?: Record<string, string>;
  /** Directories owned by the package (`%dir`). */
  dirs?: string[];
  /** A `%posttrans -p <lua>` scriptlet: rpm's embedded Lua needs no shell in the root (the lab's /bin/sh is a stub). */
  posttransLua?: string;
}

export interface SourceDef {
  /** Source package name (the srpm's name). */
  name: string;
  epoch?: number;
  version: string;
  release: string;
  /** Arch of the build; `noarch` makes every binary noarch; `i686` builds with `--target i686`. */
  arch: LabArch;
  license?: string;
  vendor: string;
  packager?: string;
  binaries: BinaryDef[];
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

function depLines(tag: string, deps: string[] | undefined): string[] {
  return (deps ?? []).map((d) => `${tag}: ${d}`);
}

/** rpm spec text is macro-expanded: escape % in data we put into it. */
function esc(text: string): string {
  return text.replace(/%/g, '%%');
}

/**
 * Renders the spec. Payload files are copied from `payloadDir` (laid out as `<binary>/<path>`),
 * written by `payloadEntries`, so file contents never pass through the spec's macro expansion.
 */
export function renderSpec(src: SourceDef): string {
  const lines: string[] = [
    `Name: ${src.name}`,
    ...(src.epoch !== undefined ? [`Epoch: ${src.epoch}`] : []),
    `Version: ${src.version}`,
    `Release: ${src.release}`,
    `Summary: ${src.name} (Ferry lab package)`,
    `License: ${src.license ?? 'MIT'}`,
    `URL: https://ferry.invalid/lab/${src.name}`,
    `Vendor: ${esc(src.vendor)}`,
    `Packager: ${esc(src.packager ?? src.vendor)}`,
    'AutoReqProv: no',
    ...(src.arch === 'noarch' ? ['BuildArch: noarch'] : []),
  ];
  const main = src.binaries.find((b) => b.name === src.name);
  if (main) lines.push(...preamble(main, src, false));
  lines.push('', '%description', `Lab package ${src.name}.`, '');
  for (const bin of src.binaries) {
    if (bin === main) continue;
    lines.push(`%package -n ${bin.name}`, `Summary: ${bin.summary ?? `${bin.name} (Ferry lab package)`}`,
      ...preamble(bin, src, true), '', `%description -n ${bin.name}`, `Lab package ${bin.name}.`, '');
  }
  lines.push('%prep', '%build', '%install', 'rm -rf %{buildroot}', 'mkdir -p %{buildroot}');
  for (const bin of src.binaries) {
    lines.push(`if [ -d "%{lab_payload}/${bin.name}" ]; then cp -a "%{lab_payload}/${bin.name}/." %{buildroot}/; fi`);
  }
  lines.push('');
  for (const bin of src.binaries) {
    lines.push(bin === main ? '%files' : `%files -n ${bin.name}`);
    for (const d of bin.dirs ?? []) lines.push(`%dir ${d}`);
    for (const p of Object.keys(bin.files ?? {})) lines.push(p.startsWith('/etc/') ? `%config(noreplace) ${p}` : p);
    for (const p of Object.keys(bin.symlinks ?? {})) lines.push(p);
    lines.push('');
  }
  for (const bin of src.binaries) {
    if (bin.posttransLua) lines.push(bin === main ? '%posttrans -p <lua>' : `%posttrans -n ${bin.name} -p <lua>`, esc(bin.posttransLua), '');
  }
  return lines.join('\n');
}

function preamble(bin: BinaryDef, src: SourceDef, sub: boolean): string[] {
  return [
    ...(sub && bin.noarch && src.arch !== 'noarch' ? ['BuildArch: noarch'] : []),
    ...depLines('Requires', bin.requires),
    ...depLines('Provides', bin.provides),
    ...depLines('Obsoletes', bin.obsoletes),
    ...depLines('Conflicts', bin.conflicts),
  ];
}

/** Every payload entry as [relative path under payloadDir, kind, content-or-target]. */
export function payloadEntries(src: SourceDef): Array<[string, 'file' | 'symlink' | 'dir', string]> {
  const out: Array<[string, 'file' | 'symlink' | 'dir', string]> = [];
  for (const bin of src.binaries) {
    for (const d of bin.dirs ?? []) out.push([`${bin.name}${d}`, 'dir', '']);
    for (const [p, c] of Object.entries(bin.files ?? {})) out.push([`${bin.name}${p}`, 'file', c]);
    for (const [p, t] of Object.entries(bin.symlinks ?? {})) out.push([`${bin.name}${p}`, 'symlink', t]);
  }
  return out;
}

/** Cache key of a source: its spec, payload and build arch (the rpms are a function of these). */
export function sourceKey(src: SourceDef): string {
  return sha256(JSON.stringify({ v: 1, spec: renderSpec(src), payload: payloadEntries(src), arch: src.arch }));
}

/** The binary rpm file names the source produces. */
export function rpmFileNames(src: SourceDef): string[] {
  const vr = `${src.version}-${src.release}`;
  return src.binaries.map((b) => `${b.name}-${vr}.${src.arch === 'noarch' || b.noarch ? 'noarch' : src.arch}.rpm`);
}
