/** Parsers for configuration files: os-release, yum/dnf .repo INI, dnf .module INI. Pure. */
import type { ModuleStreamState, OsRelease, RepoConfig } from './types.js';

/** os-release(5): KEY=value, value optionally "double" or 'single' quoted with backslash escapes. */
export function parseOsRelease(text: string): OsRelease {
  const raw: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2].trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    else if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) v = v.slice(1, -1);
    raw[m[1]] = v;
  }
  const map: [keyof OsRelease, string][] = [['name', 'NAME'], ['version', 'VERSION'], ['versionId', 'VERSION_ID'],
    ['prettyName', 'PRETTY_NAME'], ['platformId', 'PLATFORM_ID'], ['cpeName', 'CPE_NAME']];
  const given = Object.fromEntries(map.filter(([, key]) => raw[key] !== undefined).map(([k, key]) => [k, raw[key]]));
  return { id: raw.ID ?? 'linux', idLike: (raw.ID_LIKE ?? '').split(/\s+/).filter(Boolean), raw, ...given };
}

interface IniSection { name: string; entries: Record<string, string> }

/**
 * The INI dialect of yum/dnf (Python ConfigParser / libdnf): `[section]`, `key=value` or `key: value`,
 * `#`/`;` comments, and continuation lines (indented) appended to the previous value with a newline.
 */
export function parseIni(text: string): IniSection[] {
  const sections: IniSection[] = [];
  let cur: IniSection | undefined;
  let lastKey: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(line)) { if (line.trim() === '') lastKey = undefined; continue; }
    const sec = /^\s*\[([^\]]*)\]\s*$/.exec(line);
    if (sec) { cur = { name: sec[1].trim(), entries: {} }; sections.push(cur); lastKey = undefined; continue; }
    if (/^\s/.test(line) && cur && lastKey) { cur.entries[lastKey] += `\n${line.trim()}`; continue; }
    const kv = /^\s*([^=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(line);
    if (kv && cur) { lastKey = kv[1].toLowerCase(); cur.entries[lastKey] = kv[2].trim(); }
  }
  return sections;
}

function bool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const t = v.trim().toLowerCase();
  if (['1', 'yes', 'true', 'on'].includes(t)) return true;
  if (['0', 'no', 'false', 'off'].includes(t)) return false;
  return undefined;
}

const list = (v: string | undefined): string[] => (v ?? '').split(/[\s,]+/).filter(Boolean);

/** Repositories of one .repo file; `$releasever`, `$basearch`, `$contentdir` … stay as written. */
export function parseRepoFile(text: string, file: string): RepoConfig[] {
  return parseIni(text).filter((s) => s.name !== 'main').map((s) => {
    const e = s.entries;
    const repo: RepoConfig = {
      id: s.name,
      enabled: bool(e.enabled) ?? true,
      file,
      baseurl: list(e.baseurl),
      gpgkey: list(e.gpgkey),
      options: e,
    };
    if (e.name !== undefined) repo.name = e.name;
    if (e.mirrorlist) repo.mirrorlist = e.mirrorlist;
    if (e.metalink) repo.metalink = e.metalink;
    const gpg = bool(e.gpgcheck);
    if (gpg !== undefined) repo.gpgcheck = gpg;
    return repo;
  });
}

/** Module stream states of one /etc/dnf/modules.d/*.module file. */
export function parseModuleFile(text: string, file: string): ModuleStreamState[] {
  return parseIni(text).map((s) => {
    const m: ModuleStreamState = {
      name: s.entries.name ?? s.name,
      state: s.entries.state ?? '',
      profiles: list(s.entries.profiles),
      file,
    };
    if (s.entries.stream) m.stream = s.entries.stream;
    return m;
  });
}
